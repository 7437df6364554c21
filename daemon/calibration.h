// Thresholds calibrated on chunks of a model's reference (drift.calibrate, or
// the nannyml preset), one per window column, as the drift judge applies
// them (daemon/drift_judge.h).
//
// Where they come from: a baseline profile carries them per feature (built by
// `driftd baseline` on chunks of drift.calibration_chunk rows of the training
// data, detectors/drift/profile.h); daemon/baseline.cc copies them here in
// the model's column order.
//
// With a `first` reference, FirstNCalibrator cuts the first N events into
// chunks of drift.calibration_chunk rows as they arrive and, when the
// reference is complete, computes each column's threshold (each full chunk's
// statistic against the whole reference, then mean + k * population std,
// detectors::CalibrateOnChunks) and releases the chunks. A rolling reference
// is not calibrated (it moves; config validation refuses the combination).
//
// How they apply: only to a column whose configured threshold is unset and
// whose test is the one the threshold was calibrated for. A column with
// test = "auto" takes the calibrated test, so the verdict compares like with
// like (Evidently's automatic choice also looks at the current window and
// could otherwise pick another test than the one calibrated).
#ifndef DRIFTD_DAEMON_CALIBRATION_H_
#define DRIFTD_DAEMON_CALIBRATION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "detectors/event.h"
#include "detectors/window/summary_set.h"

namespace driftd {

struct CalibratedColumn {
  std::string test;  // detectors::TestName() of the calibrated test
  double threshold = 0.0;
  std::uint64_t chunks = 0;      // reference chunks the threshold came from
  std::uint64_t chunk_rows = 0;  // rows per chunk
};

struct ReferenceCalibration {
  // In the model's column order (features, then the prediction); nullopt
  // where no threshold was calibrated (p-value tests, too few values).
  std::vector<std::optional<CalibratedColumn>> columns;

  const CalibratedColumn* Find(std::size_t column) const {
    return column < columns.size() && columns[column] ? &*columns[column] : nullptr;
  }
};

// One column of a model's windows as the calibrator needs it.
struct CalibrationColumn {
  std::string name;
  detectors::FeatureKind kind = detectors::FeatureKind::kNumeric;
  std::string test = "auto";         // the configured test
  std::optional<double> threshold;  // the configured threshold (then nothing to calibrate)
};

// The columns of `model` in window order (features, then the prediction
// named `prediction_name`), with their configured tests and thresholds.
std::vector<CalibrationColumn> CalibrationColumnsOf(const config::ModelConfig& model,
                                                    std::string_view prediction_name);

// True when a first-N reference built under `a` serves `b` as it is: both
// calibrate or neither does, and when they do, with the same preset, k,
// chunk size and per-column tests.
bool SameCalibration(const config::ModelConfig& a, const config::ModelConfig& b);

class FirstNCalibrator {
 public:
  // REQUIRES: drift.calibration_chunk >= 1.
  FirstNCalibrator(const config::DriftConfig& drift, std::vector<CalibrationColumn> columns,
                   const detectors::SummaryOptions& options);

  // One row of the reference, in column order, while it fills.
  void Add(std::span<const Value> row);
  // Computes the thresholds against the complete reference (exact samples
  // sorted) and frees the chunks. Later calls return the same result.
  std::shared_ptr<const ReferenceCalibration> Finish(const detectors::SummarySet& reference);
  // Starts over (a deploy restarts the first-N reference).
  void Reset();

  std::size_t full_chunks() const { return done_.size(); }
  std::shared_ptr<const ReferenceCalibration> result() const { return result_; }

  void AppendTo(std::string* out) const;
  // Reads what AppendTo wrote into this calibrator (built for the same model).
  [[nodiscard]] bool ParseInto(std::string_view* in);

 private:
  config::DriftConfig drift_;
  std::vector<CalibrationColumn> columns_;
  std::vector<detectors::FeatureSpec> specs_;
  detectors::SummaryOptions options_;
  std::vector<detectors::SummarySet> done_;
  detectors::SummarySet open_;
  std::shared_ptr<const ReferenceCalibration> result_;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_CALIBRATION_H_
