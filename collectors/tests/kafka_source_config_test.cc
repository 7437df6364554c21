// KafkaSource::Open refuses settings that would break the checkpoint
// contract or the eager rebalance protocol, without needing a broker.
#include <gtest/gtest.h>

#include "collectors/kafka_source.h"

namespace driftd::collectors {
namespace {

class NullObserver : public KafkaObserver {
 public:
  void CountMessages(std::string_view, std::uint64_t) override {}
  void CountRedelivered(std::uint64_t) override {}
  void SetConsumerLag(std::string_view, std::int32_t, std::int64_t) override {}
  void Log(bool, std::string_view) override {}
};

config::SourceConfig KafkaConfig() {
  config::SourceConfig c;
  c.type = config::SourceType::kKafka;
  c.brokers = "127.0.0.1:1";  // nothing listens: Open does not connect
  c.topics = {"events"};
  return c;
}

std::string OpenError(const config::SourceConfig& c) {
  NullObserver observer;
  std::string error;
  auto source = KafkaSource::Open(c, observer, &error);
  EXPECT_EQ(source == nullptr, !error.empty());
  return error;
}

TEST(KafkaSourceConfigTest, OpensWithoutABroker) {
  NullObserver observer;
  std::string error;
  auto source = KafkaSource::Open(KafkaConfig(), observer, &error);
  ASSERT_NE(source, nullptr) << error;
  EXPECT_FALSE(source->Connected());
  EXPECT_EQ(source->Describe(), "kafka brokers=127.0.0.1:1 group=driftd topics=events");
  EXPECT_TRUE(source->Positions().empty());
}

TEST(KafkaSourceConfigTest, RefusesSettingsTheCheckpointsManage) {
  for (const char* key : {"enable.auto.commit", "enable.auto.offset.store", "group.id",
                          "bootstrap.servers"}) {
    auto c = KafkaConfig();
    c.librdkafka[key] = "true";
    EXPECT_NE(OpenError(c).find(key), std::string::npos) << key;
  }
}

TEST(KafkaSourceConfigTest, RefusesTheCooperativeAssignor) {
  auto c = KafkaConfig();
  c.librdkafka["partition.assignment.strategy"] = "cooperative-sticky";
  EXPECT_NE(OpenError(c).find("cooperative"), std::string::npos);
}

TEST(KafkaSourceConfigTest, AcceptsAnotherEagerAssignor) {
  auto c = KafkaConfig();
  c.librdkafka["partition.assignment.strategy"] = "roundrobin";
  EXPECT_EQ(OpenError(c), "");
}

TEST(KafkaSourceConfigTest, NamesAnUnknownPassThroughProperty) {
  auto c = KafkaConfig();
  c.librdkafka["no.such.property"] = "1";
  EXPECT_NE(OpenError(c).find("source.librdkafka.no.such.property"), std::string::npos);
}

// The fetch defaults are only defaults: a pass-through value replaces them
// (an invalid one is reported under its source.librdkafka name, so it was
// applied as the user's setting), and valid overrides open.
TEST(KafkaSourceConfigTest, PassThroughOverridesFetchDefaults) {
  for (const char* key :
       {"fetch.min.bytes", "fetch.wait.max.ms", "fetch.message.max.bytes", "queued.min.messages",
        "queued.max.messages.kbytes"}) {
    config::SourceConfig c = KafkaConfig();
    c.librdkafka[key] = "-5";
    EXPECT_NE(OpenError(c).find(std::string("source.librdkafka.") + key), std::string::npos) << key;
  }
  config::SourceConfig c = KafkaConfig();
  c.librdkafka["fetch.min.bytes"] = "1";
  c.librdkafka["fetch.wait.max.ms"] = "5";
  EXPECT_EQ(OpenError(c), "");
}

TEST(KafkaSourceConfigTest, NeedsATopic) {
  auto c = KafkaConfig();
  c.topics.clear();
  EXPECT_NE(OpenError(c).find("source.topics"), std::string::npos);
}

TEST(KafkaSourceConfigTest, RestoredPositionsAreReportedSorted) {
  NullObserver observer;
  std::string error;
  auto source = KafkaSource::Open(KafkaConfig(), observer, &error);
  ASSERT_NE(source, nullptr) << error;
  source->RestorePositions({{"events", 2, 9}, {"events", 0, 4}, {"/a/file", -1, 3}});
  EXPECT_EQ(source->Positions(), (StreamPositions{{"events", 0, 4}, {"events", 2, 9}}));
}

}  // namespace
}  // namespace driftd::collectors
