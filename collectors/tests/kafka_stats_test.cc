// ParseKafkaStats against statistics documents shaped as librdkafka 2.0.2
// emits them (STATISTICS.md): brokers by name with source/state, topics with
// partitions keyed by number, and the internal "-1" (unassigned) partition.
#include "collectors/kafka_stats.h"

#include <gtest/gtest.h>

namespace driftd::collectors {
namespace {

constexpr std::string_view kStats = R"({
  "name": "rdkafka#consumer-1", "type": "consumer",
  "brokers": {
    "127.0.0.1:9092/bootstrap": {"name": "127.0.0.1:9092/bootstrap", "nodeid": -1,
                                 "source": "configured", "state": "INIT"},
    "GroupCoordinator": {"name": "GroupCoordinator", "nodeid": 1, "source": "logical", "state": "UP"},
    "127.0.0.1:9092/1": {"name": "127.0.0.1:9092/1", "nodeid": 1, "source": "learned", "state": "UP"}
  },
  "topics": {
    "events": {"topic": "events", "partitions": {
      "0": {"partition": 0, "hi_offset": 120, "consumer_lag": 20, "committed_offset": 100},
      "1": {"partition": 1, "hi_offset": -1, "consumer_lag": -1},
      "-1": {"partition": -1, "hi_offset": -1, "consumer_lag": -1}
    }}
  }
})";

TEST(KafkaStatsTest, ReadsPartitionsSkippingTheUnassignedOne) {
  const auto stats = ParseKafkaStats(kStats);
  ASSERT_TRUE(stats.has_value());
  ASSERT_EQ(stats->partitions.size(), 2u);
  EXPECT_EQ(stats->partitions[0].topic, "events");
  EXPECT_EQ(stats->partitions[0].partition, 0);
  EXPECT_EQ(stats->partitions[0].hi_offset, 120);
  EXPECT_EQ(stats->partitions[0].consumer_lag, 20);
  EXPECT_EQ(stats->partitions[1].partition, 1);
  EXPECT_EQ(stats->partitions[1].hi_offset, -1);
}

TEST(KafkaStatsTest, ALearnedBrokerUpMeansConnected) {
  EXPECT_TRUE(ParseKafkaStats(kStats)->broker_up);
}

TEST(KafkaStatsTest, ALogicalBrokerUpAloneIsNotAConnection) {
  const auto stats = ParseKafkaStats(R"({"brokers": {
      "GroupCoordinator": {"source": "logical", "state": "UP"},
      "127.0.0.1:9092/1": {"source": "learned", "state": "TRY_CONNECT"}}})");
  ASSERT_TRUE(stats.has_value());
  EXPECT_FALSE(stats->broker_up);
  EXPECT_TRUE(stats->partitions.empty());
}

TEST(KafkaStatsTest, RejectsWhatIsNotAStatisticsObject) {
  EXPECT_FALSE(ParseKafkaStats("{").has_value());
  EXPECT_FALSE(ParseKafkaStats("[1, 2]").has_value());
}

}  // namespace
}  // namespace driftd::collectors
