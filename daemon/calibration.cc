#include "daemon/calibration.h"

#include <utility>

#include "detectors/drift/profile.h"
#include "detectors/sketch/bytes.h"

namespace driftd {
namespace {

namespace bytes = detectors::bytes;
using detectors::FeatureKind;

detectors::ColumnData DataOf(const detectors::SummarySet& set, std::size_t column) {
  detectors::ColumnData data;
  if (set.kind(column) == FeatureKind::kNumeric) {
    data.numeric = &set.numeric(column);
  } else {
    data.categorical = &set.categorical(column);
  }
  return data;
}

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
      if (c.threshold || reference.kind(i) != c.kind) continue;
      chunks.clear();
      for (const auto& chunk : done_) chunks.push_back(DataOf(chunk, i));
      const detectors::DriftFeatureSpec spec{
          c.name, c.kind == FeatureKind::kNumeric ? config::FeatureType::kNumeric : config::FeatureType::kCategorical,
          c.test, std::nullopt};
      const detectors::ColumnData whole = DataOf(reference, i);
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

// Layout: u8 has_result; result: u32 columns, per column u8 set [string test,
// f64 threshold, u64 chunks, u64 chunk_rows]; else u32 full chunks, each a
// SummarySet, then the open chunk.
void FirstNCalibrator::AppendTo(std::string* out) const {
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
          !bytes::ReadU64(in, &column.chunks) || !bytes::ReadU64(in, &column.chunk_rows)) {
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
    if (k < n) {
      done_.push_back(std::move(*chunk));
    } else {
      open_ = std::move(*chunk);
    }
  }
  return true;
}

}  // namespace driftd
