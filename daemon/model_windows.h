// ModelWindows: one model's drift windows inside the pipeline: the current
// SlidingWindow over its columns and its reference (DESIGN.md section 3).
//
// Columns are the model's configured features in config order, then the
// prediction when [models.X.prediction] is set: numeric for score and
// regression (Event.score when present, else a numeric prediction),
// categorical for class. Features in traffic but not in the config are
// ignored here.
//
// Fed by prediction and input events (Add); a model event with a new
// model_version is a deploy (OnDeploy). Per value:
//   numeric column      number -> summarized; NaN/Inf -> counted as
//                       non_finite, never summarized; string -> counted as
//                       wrong_type, not summarized; null or absent -> missing
//   categorical column  string -> its category; number -> the category named
//                       by its shortest decimal form (SummarySet's rule);
//                       null or absent -> missing
// An input event has no prediction: the prediction column is absent from
// that row (the summary counts it missing; the column counters do not).
//
// Reference per [models.X] reference:
//   first     FirstNReference of `events` rows; a deploy starts it over
//   rolling   LaggedReference of `window` trailing the watermark by `lag`,
//             in coarse panes (about 32 over window + lag, multiples of the
//             current pane width); when lag >= the current window, fed by
//             hand-off of the panes the current window evicts, so no event
//             is held twice (detectors/window/reference.h)
//   baseline  a profile loaded outside (BaselineReference), immutable here
//
// Late events: the current window accepts events up to
// windows.allowed_lateness behind its watermark; older ones are counted
// (late_events()) and not applied. Event time drives the windows; wall time
// never evicts, so replayed history is judged as it was.
//
// Cost: Add is O(columns) with no allocation once buffers have grown. Feature
// names resolve to column indexes through a cache of the previous event's
// feature order, so a stream with a stable order does one string compare
// per feature and no hashing.
//
// Thread-safety: none; one owner (the ingest thread). Snapshot() returns
// immutable values safe to hand to other threads.
#ifndef DRIFTD_DAEMON_MODEL_WINDOWS_H_
#define DRIFTD_DAEMON_MODEL_WINDOWS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "daemon/calibration.h"
#include "detectors/event.h"
#include "detectors/time.h"
#include "detectors/window/reference.h"
#include "detectors/window/sliding_window.h"
#include "detectors/window/summary_set.h"

namespace driftd {

// The prediction column's name in snapshots, status and metrics labels.
inline constexpr std::string_view kPredictionColumn = "prediction";

struct WindowColumn {
  std::string name;
  detectors::FeatureKind kind = detectors::FeatureKind::kNumeric;
  bool is_prediction = false;
};

// Values a column could not summarize, since the windows were built.
struct ColumnCounters {
  std::uint64_t missing = 0;     // null or absent
  std::uint64_t non_finite = 0;  // NaN or +/-Inf in a numeric column
  std::uint64_t wrong_type = 0;  // a string in a numeric column
  bool operator==(const ColumnCounters&) const = default;
};

// A baseline reference: summaries in the model's column order, or why there
// are none (a missing or mismatching profile). Shared, immutable.
struct BaselineReference {
  std::shared_ptr<const detectors::SummarySet> summaries;
  std::uint64_t rows = 0;  // rows the profile was built from
  std::string error;
  // Thresholds the profile calibrated (daemon/calibration.h); null when it
  // has none.
  std::shared_ptr<const ReferenceCalibration> calibration;
};

// What /api/v1/status shows of a model's windows.
struct WindowStatus {
  std::string error;  // why the model has no windows (invalid options); else empty
  std::uint64_t current_events = 0;
  std::uint64_t late_events = 0;
  std::string reference_type;  // "first" | "rolling" | "baseline"
  std::uint64_t reference_events = 0;
  std::uint64_t reference_target = 0;  // first: N; 0 otherwise
  bool reference_ready = false;
  std::string reference_error;  // baseline: why it could not be used
  std::vector<std::string> column_names;
  std::vector<ColumnCounters> columns;  // parallel to column_names
};

// One model's windows at one instant, for evaluation on another thread.
struct ModelWindowSnapshot {
  std::string model;
  Timestamp taken_at{};
  std::vector<WindowColumn> columns;
  // Merged current window, exact samples sorted. Null when the model has no
  // windows (status.error says why).
  std::shared_ptr<const detectors::SummarySet> current;
  // The reference, exact samples sorted; null while it is not ready.
  std::shared_ptr<const detectors::SummarySet> reference;
  std::string not_ready_reason;  // when reference is null
  // Thresholds calibrated on the reference; null when none.
  std::shared_ptr<const ReferenceCalibration> calibration;
  WindowStatus status;
};

class ModelWindows {
 public:
  // Builds empty windows for `model`. `baseline` is used when the reference
  // type is baseline (ignored otherwise). When the options cannot make a
  // window, the object exists but ignores events and status().error says
  // why: a bad model is reported, never a crash.
  ModelWindows(const config::ModelConfig& model, BaselineReference baseline);

  ModelWindows(ModelWindows&&) = default;
  ModelWindows& operator=(ModelWindows&&) = default;

  // A prediction or input event of this model (other kinds are ignored).
  void Add(const Event& event);
  // A deploy: a first-N reference starts over.
  void OnDeploy();
  // Replaces the baseline (a reload re-reads the profile).
  void SetBaseline(BaselineReference baseline);

  const BaselineReference& baseline() const { return baseline_; }
  bool ok() const { return error_.empty(); }
  const std::vector<WindowColumn>& columns() const { return columns_; }
  const ColumnCounters& counters(std::size_t column) const { return counters_[column]; }
  std::uint64_t late_events() const;
  WindowStatus Status() const;
  // Merges the current window (and a rolling reference) into immutable
  // summaries. O(panes x summary size); runs on the owner's thread.
  ModelWindowSnapshot Snapshot(const std::string& model, Timestamp now) const;

  // True when a and b give windows of the same shape and content rules
  // (window, reference, columns, windows sizes): state built under a can be
  // kept under b. Tests, thresholds, min_samples and drift settings do not
  // matter.
  static bool SameWindowSettings(const config::ModelConfig& a, const config::ModelConfig& b);

  // Checkpoint encoding of the state built from traffic (windows, a first-N
  // or rolling reference, counters); not the baseline, which is reloaded.
  void AppendTo(std::string* out) const;
  // Restores state encoded under a config with SameWindowSettings as
  // `model`. std::nullopt when the bytes are malformed or do not fit `model`.
  [[nodiscard]] static std::optional<ModelWindows> Parse(std::string_view* in,
                                                         const config::ModelConfig& model,
                                                         BaselineReference baseline);

 private:
  void ResolveOrder(const std::vector<Feature>& features);
  void SetNumeric(std::size_t column, const Value& value);
  void SetCategorical(std::size_t column, const Value& value);
  void SetPrediction(const Event& event);

  std::string error_;
  std::vector<WindowColumn> columns_;
  std::vector<detectors::FeatureSpec> specs_;
  config::ReferenceType reference_type_ = config::ReferenceType::kFirst;
  std::optional<detectors::SlidingWindow> current_;
  std::optional<detectors::FirstNReference> first_;
  // Thresholds calibrated on chunks of the first-N reference (when the
  // model calibrates; daemon/calibration.h).
  std::optional<FirstNCalibrator> calibrator_;
  std::optional<detectors::LaggedReference> rolling_;
  // rolling_ is fed with the current window's evicted panes, not events.
  bool handoff_ = false;
  BaselineReference baseline_;
  // A frozen first-N reference, shared by snapshots until the next deploy.
  mutable std::shared_ptr<const detectors::SummarySet> frozen_first_;
  std::vector<ColumnCounters> counters_;
  int prediction_column_ = -1;
  bool prediction_numeric_ = true;

  // The row handed to the windows, reused: assigning a value of the same
  // alternative keeps a string's buffer.
  std::vector<Value> row_;
  // Feature order cache: the previous event's names and their columns (-1:
  // not configured), and per column the generation of the last event that
  // set it, so absent columns are found without clearing the row.
  std::vector<std::string> order_names_;
  std::vector<int> order_columns_;
  std::vector<std::uint64_t> set_in_;
  std::uint64_t generation_ = 0;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_MODEL_WINDOWS_H_
