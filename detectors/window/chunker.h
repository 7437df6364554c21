// Chunker: tumbling chunks for offline analysis (driftd report / replay):
// cuts a stream of rows into consecutive chunks of N rows, or of a fixed span
// of event time, each chunk a SummarySet.
//
//   by count  chunk i holds rows i*N .. i*N+N-1 in arrival order; it is
//             returned by the Add() that completes it.
//   by time   chunk i holds rows with event time in [i*span, (i+1)*span) since
//             the Unix epoch; it is returned by the Add() of the first row of a
//             later chunk. Spans without rows produce no chunk. A row older than
//             the open chunk's start joins the open chunk and is counted in
//             out_of_order (offline input is expected sorted; nothing is dropped).
// Finish() returns the last, partial chunk, if any.
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_WINDOW_CHUNKER_H_
#define DRIFTD_DETECTORS_WINDOW_CHUNKER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "detectors/event.h"
#include "detectors/time.h"
#include "detectors/window/summary_set.h"

namespace driftd::detectors {

struct ChunkerOptions {
  // Exactly one of rows_per_chunk > 0 and span > 0.
  std::size_t rows_per_chunk = 0;
  Duration span = Duration::zero();
  SummaryOptions summary;
};

[[nodiscard]] std::optional<std::string> ValidateChunkerOptions(const ChunkerOptions& options);

struct Chunk {
  // By count: sequence number from 0. By time: floor(ts / span), so the
  // chunk's span starts at index * span.
  std::int64_t index = 0;
  std::uint64_t rows = 0;
  // Event-time extremes of the rows in the chunk.
  Timestamp min_ts{};
  Timestamp max_ts{};
  std::uint64_t out_of_order = 0;
  SummarySet summaries;  // exact samples sorted
};

class Chunker {
 public:
  // REQUIRES: !ValidateChunkerOptions(options).
  Chunker(const ChunkerOptions& options, std::vector<FeatureSpec> features);

  // Adds one row; returns a chunk when one is complete (see the file comment).
  [[nodiscard]] std::optional<Chunk> Add(Timestamp ts, std::span<const Value> values);
  // The open chunk, if it has rows; the chunker then starts empty.
  [[nodiscard]] std::optional<Chunk> Finish();

 private:
  Chunk TakeOpen();
  void Open(std::int64_t index);

  ChunkerOptions options_;
  std::vector<FeatureSpec> features_;
  bool open_ = false;
  std::int64_t next_index_ = 0;  // by count
  Chunk chunk_;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_WINDOW_CHUNKER_H_
