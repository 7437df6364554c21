#include "daemon/calibration.h"

#include <cmath>
#include <utility>

#include "detectors/drift/profile.h"
#include "detectors/sketch/bytes.h"

namespace driftd {
namespace {

namespace bytes = detectors::bytes;
using detectors::FeatureKind;

}  // namespace

std::vector<CalibrationColumn> CalibrationColumnsOf(const config::ModelConfig& model,
                                                    std::string_view prediction_name) {
  std::vector<CalibrationColumn> columns;
  for (const auto& f : model.features) {
    columns.push_back({f.name,
                       f.type == config::FeatureType::kNumeric ? FeatureKind::kNumeric : FeatureKind::kCategorical,
                       f.test, f.threshold});
  }
  if (model.prediction) {
    columns.push_back({std::string(prediction_name),
                       model.prediction->type == config::PredictionType::kClass ? FeatureKind::kCategorical
                                                                                : FeatureKind::kNumeric,
                       model.prediction->test, model.prediction->threshold});
  }
  return columns;
}

namespace {
bool Calibrates(const config::ModelConfig& m) {
  return m.drift.calibrate || m.drift.preset == config::DriftPreset::kNannyml;
}
}  // namespace

bool SameCalibration(const config::ModelConfig& a, const config::ModelConfig& b) {
  if (Calibrates(a) != Calibrates(b)) return false;
  if (!Calibrates(a)) return true;
  if (a.drift.preset != b.drift.preset || a.drift.calibration_k != b.drift.calibration_k ||
      a.drift.calibration_chunk != b.drift.calibration_chunk) {
    return false;
  }
  const auto ca = CalibrationColumnsOf(a, "prediction");
  const auto cb = CalibrationColumnsOf(b, "prediction");
  if (ca.size() != cb.size()) return false;
  for (std::size_t i = 0; i < ca.size(); ++i) {
    if (ca[i].name != cb[i].name || ca[i].test != cb[i].test) return false;
  }
  return true;
}

FirstNCalibrator::FirstNCalibrator(const config::DriftConfig& drift, std::vector<CalibrationColumn> columns,
                                   const detectors::SummaryOptions& options)
    : drift_(drift), columns_(std::move(columns)), options_(options) {
  // Chunks keep every value exactly: a chunk is small (calibration_chunk
  // rows) and lives only until the reference is complete.
  options_.exact_up_to = static_cast<std::size_t>(drift_.calibration_chunk);
  for (const auto& c : columns_) specs_.push_back({c.kind, nullptr});
  open_ = detectors::SummarySet(specs_, options_);
}

void FirstNCalibrator::Add(std::span<const Value> row) {
  if (result_) return;
  open_.AddRow(row);
  if (open_.rows() < drift_.calibration_chunk) return;
  open_.SortAll();
  done_.push_back(std::move(open_));
  open_ = detectors::SummarySet(specs_, options_);
}

std::shared_ptr<const ReferenceCalibration> FirstNCalibrator::Finish(const detectors::SummarySet& reference) {
  if (result_) return result_;
  auto calibration = std::make_shared<ReferenceCalibration>();
  calibration->columns.resize(columns_.size());
  if (done_.size() >= 2 && reference.num_features() == columns_.size()) {
    std::vector<detectors::ColumnData> chunks;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const CalibrationColumn& c = columns_[i];
      // Columns with a configured threshold are calibrated too: the judge
      // ignores the result while the threshold stays, and a reload that
      // removes it finds one.
      if (reference.kind(i) != c.kind) continue;
      chunks.clear();
      for (const auto& chunk : done_) chunks.push_back(detectors::ColumnOf(chunk, i));
      const detectors::DriftFeatureSpec spec{
          c.name, c.kind == FeatureKind::kNumeric ? config::FeatureType::kNumeric : config::FeatureType::kCategorical,
          c.test, std::nullopt};
      const detectors::ColumnData whole = detectors::ColumnOf(reference, i);
      if (auto t = detectors::CalibrateOnChunks(spec, whole, chunks, drift_)) {
        const auto test = detectors::ChooseTest(spec, whole, chunks.front(), drift_.preset);
        calibration->columns[i] =
            CalibratedColumn{detectors::TestName(test), *t, done_.size(), drift_.calibration_chunk};
      }
    }
  }
  result_ = std::move(calibration);
  done_.clear();
  done_.shrink_to_fit();
  open_ = detectors::SummarySet(specs_, options_);
  return result_;
}

void FirstNCalibrator::Reset() {
  done_.clear();
  open_ = detectors::SummarySet(specs_, options_);
  result_.reset();
}

// Layout: u8 preset, f64 k, u64 chunk rows; u8 has_result; result: u32 columns, per column u8 set [string test,
// f64 threshold, u64 chunks, u64 chunk_rows]; else u32 full chunks, each a
// SummarySet, then the open chunk.
void FirstNCalibrator::AppendTo(std::string* out) const {
  // The settings the state was built under: a restart with others starts
  // the reference over instead of mixing chunk sizes or presets.
  bytes::AppendU8(out, static_cast<std::uint8_t>(drift_.preset));
  bytes::AppendF64(out, drift_.calibration_k);
  bytes::AppendU64(out, drift_.calibration_chunk);
  bytes::AppendU8(out, result_ ? 1 : 0);
  if (result_) {
    bytes::AppendU32(out, static_cast<std::uint32_t>(result_->columns.size()));
    for (const auto& c : result_->columns) {
      bytes::AppendU8(out, c ? 1 : 0);
      if (!c) continue;
      bytes::AppendString(out, c->test);
      bytes::AppendF64(out, c->threshold);
      bytes::AppendU64(out, c->chunks);
      bytes::AppendU64(out, c->chunk_rows);
    }
    return;
  }
  bytes::AppendU32(out, static_cast<std::uint32_t>(done_.size()));
  for (const auto& chunk : done_) chunk.AppendTo(out);
  open_.AppendTo(out);
}

bool FirstNCalibrator::ParseInto(std::string_view* in) {
  Reset();
  std::uint8_t preset = 0;
  double k = 0.0;
  std::uint64_t chunk = 0;
  if (!bytes::ReadU8(in, &preset) || !bytes::ReadF64(in, &k) || !bytes::ReadU64(in, &chunk) ||
      preset != static_cast<std::uint8_t>(drift_.preset) || k != drift_.calibration_k ||
      chunk != drift_.calibration_chunk) {
    return false;
  }
  std::uint8_t has_result = 0;
  std::uint32_t n = 0;
  if (!bytes::ReadU8(in, &has_result) || has_result > 1 || !bytes::ReadU32(in, &n)) return false;
  if (has_result == 1) {
    if (n != columns_.size()) return false;
    auto calibration = std::make_shared<ReferenceCalibration>();
    calibration->columns.resize(n);
    for (auto& c : calibration->columns) {
      std::uint8_t set = 0;
      if (!bytes::ReadU8(in, &set) || set > 1) return false;
      if (set == 0) continue;
      CalibratedColumn column;
      if (!bytes::ReadString(in, &column.test) || !bytes::ReadF64(in, &column.threshold) ||
          !bytes::ReadU64(in, &column.chunks) || !bytes::ReadU64(in, &column.chunk_rows) ||
          !std::isfinite(column.threshold)) {
        return false;
      }
      c = std::move(column);
    }
    result_ = std::move(calibration);
    return true;
  }
  // Each chunk holds at least one row, so n is bounded by the input length.
  if (n > in->size()) return false;
  for (std::uint32_t k = 0; k <= n; ++k) {
    auto chunk = detectors::SummarySet::Parse(in);
    if (!chunk || chunk->num_features() != columns_.size()) return false;
    // Full chunks hold exactly a chunk's rows, the open one fewer.
    const bool full = k < n;
    if (full ? chunk->rows() != drift_.calibration_chunk : chunk->rows() >= drift_.calibration_chunk) {
      return false;
    }
    if (full) {
      done_.push_back(std::move(*chunk));
    } else {
      open_ = std::move(*chunk);
    }
  }
  return true;
}

}  // namespace driftd
