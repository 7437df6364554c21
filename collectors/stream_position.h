// How far a source has been applied: per stream (Kafka topic partition, or
// file), the offset of the next message to apply. The checkpointer saves
// these with the state they produced and hands them back on restart.
#ifndef DRIFTD_COLLECTORS_STREAM_POSITION_H_
#define DRIFTD_COLLECTORS_STREAM_POSITION_H_

#include <cstdint>
#include <string>
#include <vector>

namespace driftd::collectors {

struct StreamPosition {
  std::string topic;            // Kafka topic; for a file source, the file's path
  std::int32_t partition = -1;  // Kafka partition; -1 for files
  std::int64_t next_offset = 0; // Kafka offset, or file byte offset, of the next message
  bool operator==(const StreamPosition&) const = default;
};

using StreamPositions = std::vector<StreamPosition>;

}  // namespace driftd::collectors

#endif  // DRIFTD_COLLECTORS_STREAM_POSITION_H_
