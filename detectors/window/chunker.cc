#include "detectors/window/chunker.h"

#include <algorithm>
#include <utility>

namespace driftd::detectors {
namespace {

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

std::optional<std::string> ValidateChunkerOptions(const ChunkerOptions& o) {
  const bool by_count = o.rows_per_chunk > 0;
  const bool by_time = o.span > Duration::zero();
  if (by_count == by_time) return "set exactly one of rows per chunk and chunk span";
  if (o.span < Duration::zero()) return "chunk span must be positive";
  return std::nullopt;
}

Chunker::Chunker(const ChunkerOptions& options, std::vector<FeatureSpec> features)
    : options_(options), features_(std::move(features)) {}

void Chunker::Open(std::int64_t index) {
  chunk_ = Chunk{};
  chunk_.index = index;
  chunk_.summaries = SummarySet(features_, options_.summary);
  open_ = true;
}

Chunk Chunker::TakeOpen() {
  open_ = false;
  chunk_.summaries.SortAll();
  return std::move(chunk_);
}

std::optional<Chunk> Chunker::Add(Timestamp ts, std::span<const Value> values) {
  std::optional<Chunk> done;
  if (options_.rows_per_chunk > 0) {
    if (!open_) Open(next_index_++);
  } else {
    const std::int64_t index = FloorDiv(ts.time_since_epoch().count(), options_.span.count());
    if (open_ && index > chunk_.index) done = TakeOpen();
    if (!open_) Open(index);
    if (index < chunk_.index) ++chunk_.out_of_order;
  }
  if (chunk_.rows == 0) {
    chunk_.min_ts = chunk_.max_ts = ts;
  } else {
    chunk_.min_ts = std::min(chunk_.min_ts, ts);
    chunk_.max_ts = std::max(chunk_.max_ts, ts);
  }
  ++chunk_.rows;
  chunk_.summaries.AddRow(values);
  if (options_.rows_per_chunk > 0 && chunk_.rows >= options_.rows_per_chunk) done = TakeOpen();
  return done;
}

std::optional<Chunk> Chunker::Finish() {
  if (!open_) return std::nullopt;
  return TakeOpen();
}

}  // namespace driftd::detectors
