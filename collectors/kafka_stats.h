// The parts of librdkafka's statistics JSON (STATISTICS.md of librdkafka)
// that driftd uses: broker connectivity and per-partition offsets.
#ifndef DRIFTD_COLLECTORS_KAFKA_STATS_H_
#define DRIFTD_COLLECTORS_KAFKA_STATS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace driftd::collectors {

struct KafkaPartitionStats {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t hi_offset = -1;     // high watermark; -1 when not known yet
  std::int64_t consumer_lag = -1;  // librdkafka's (vs the committed offset); -1 unknown
};

struct KafkaStats {
  // True when a real broker (not a logical one such as the group
  // coordinator alias) is in state "UP".
  bool broker_up = false;
  std::vector<KafkaPartitionStats> partitions;  // real partitions only (>= 0)
};

// Parses one statistics document. Returns nullopt when it is not JSON of
// the expected shape; unknown fields are ignored.
std::optional<KafkaStats> ParseKafkaStats(std::string_view json);

}  // namespace driftd::collectors

#endif  // DRIFTD_COLLECTORS_KAFKA_STATS_H_
