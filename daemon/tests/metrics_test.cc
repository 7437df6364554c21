// Metrics: the exposition text is parsed back and checked series by series;
// expected values follow from the calls each test makes.
#include "daemon/metrics.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace driftd {
namespace {

using std::chrono::seconds;

struct Exposition {
  std::map<std::string, double> samples;      // `name{labels}` -> value
  std::map<std::string, std::string> types;   // family -> counter|gauge|...
  std::map<std::string, std::string> helps;   // family -> help text
  std::vector<std::string> lines;             // sample lines verbatim
};

// Parses the text format 0.0.4 (no timestamps, which we never emit).
Exposition Parse(const std::string& text) {
  Exposition out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0) {
      const auto space = line.find(' ', 7);
      out.helps[line.substr(7, space - 7)] = line.substr(space + 1);
    } else if (line.rfind("# TYPE ", 0) == 0) {
      const auto space = line.find(' ', 7);
      out.types[line.substr(7, space - 7)] = line.substr(space + 1);
    } else {
      const auto space = line.rfind(' ');
      EXPECT_NE(space, std::string::npos) << line;
      out.samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
      out.lines.push_back(line);
    }
  }
  return out;
}

bool HasLine(const Exposition& e, const std::string& line) {
  for (const auto& l : e.lines) {
    if (l == line) return true;
  }
  return false;
}

Timestamp At(long long s) { return Timestamp(seconds(s)); }

TEST(MetricsTest, BuildInfoIsOneWithVersionAndRevision) {
  Metrics metrics("1.2.3", "abc123");
  const auto e = Parse(metrics.Serialize());
  EXPECT_TRUE(HasLine(e, R"(driftd_build_info{revision="abc123",version="1.2.3"} 1)"))
      << metrics.Serialize();
  EXPECT_EQ(e.types.at("driftd_build_info"), "gauge");
}

TEST(MetricsTest, EveryRejectReasonIsPreCreatedAtZero) {
  Metrics metrics("v", "r");
  const auto e = Parse(metrics.Serialize());
  std::set<std::string> reasons;
  for (int i = 0; i < collectors::kRejectReasonCount; ++i) {
    const std::string name = collectors::RejectReasonName(static_cast<collectors::RejectReason>(i));
    reasons.insert(name);
    const std::string series = "driftd_events_rejected_total{reason=\"" + name + "\"}";
    ASSERT_TRUE(e.samples.count(series)) << series;
    EXPECT_EQ(e.samples.at(series), 0) << series;
  }
  EXPECT_EQ(reasons.size(), static_cast<std::size_t>(collectors::kRejectReasonCount));
  EXPECT_EQ(e.types.at("driftd_events_rejected_total"), "counter");
}

TEST(MetricsTest, CountRejectedIncrementsOnlyThatReason) {
  Metrics metrics("v", "r");
  metrics.CountRejected(collectors::RejectReason::kInvalidJson);
  metrics.CountRejected(collectors::RejectReason::kInvalidJson);
  metrics.CountRejected(collectors::RejectReason::kUnknownModel);
  const auto e = Parse(metrics.Serialize());
  EXPECT_TRUE(HasLine(e, R"(driftd_events_rejected_total{reason="invalid_json"} 2)"));
  EXPECT_TRUE(HasLine(e, R"(driftd_events_rejected_total{reason="unknown_model"} 1)"));
  EXPECT_TRUE(HasLine(e, R"(driftd_events_rejected_total{reason="empty"} 0)"));
  double total = 0;
  for (const auto& [series, value] : e.samples) {
    if (series.rfind("driftd_events_rejected_total{", 0) == 0) total += value;
  }
  EXPECT_EQ(total, 3);
}

TEST(MetricsTest, ForModelPreCreatesEveryKindAtZero) {
  Metrics metrics("v", "r");
  metrics.ForModel("fraud");
  const auto e = Parse(metrics.Serialize());
  for (const char* kind : {"prediction", "input", "label", "model"}) {
    const std::string series =
        std::string("driftd_events_total{kind=\"") + kind + "\",model=\"fraud\"}";
    ASSERT_TRUE(e.samples.count(series)) << series;
    EXPECT_EQ(e.samples.at(series), 0);
  }
  EXPECT_EQ(e.types.at("driftd_events_total"), "counter");
}

TEST(MetricsTest, CountEventIncrementsPerKindAndModel) {
  Metrics metrics("v", "r");
  ModelProbe& fraud = metrics.ForModel("fraud");
  ModelProbe& churn = metrics.ForModel("churn");
  fraud.CountEvent(EventKind::kPrediction, At(100));
  fraud.CountEvent(EventKind::kPrediction, At(101));
  fraud.CountEvent(EventKind::kPrediction, At(102));
  fraud.CountEvent(EventKind::kLabel, At(103));
  churn.CountEvent(EventKind::kModel, At(50));
  churn.CountEvent(EventKind::kInput, At(51));
  const auto e = Parse(metrics.Serialize());
  EXPECT_TRUE(HasLine(e, R"(driftd_events_total{kind="prediction",model="fraud"} 3)"));
  EXPECT_TRUE(HasLine(e, R"(driftd_events_total{kind="label",model="fraud"} 1)"));
  EXPECT_TRUE(HasLine(e, R"(driftd_events_total{kind="input",model="fraud"} 0)"));
  EXPECT_TRUE(HasLine(e, R"(driftd_events_total{kind="model",model="churn"} 1)"));
  EXPECT_TRUE(HasLine(e, R"(driftd_events_total{kind="input",model="churn"} 1)"));
  EXPECT_TRUE(HasLine(e, R"(driftd_events_total{kind="prediction",model="churn"} 0)"));
}

TEST(MetricsTest, ForModelReturnsTheSameProbe) {
  Metrics metrics("v", "r");
  ModelProbe& first = metrics.ForModel("fraud");
  metrics.ForModel("a");
  metrics.ForModel("z");
  EXPECT_EQ(&first, &metrics.ForModel("fraud"));
  first.CountEvent(EventKind::kInput, At(1));
  metrics.ForModel("fraud").CountEvent(EventKind::kInput, At(2));
  const auto e = Parse(metrics.Serialize());
  EXPECT_TRUE(HasLine(e, R"(driftd_events_total{kind="input",model="fraud"} 2)"));
}

TEST(MetricsTest, LastEventTimestampIsTheMaximumSeen) {
  Metrics metrics("v", "r");
  ModelProbe& probe = metrics.ForModel("fraud");
  probe.CountEvent(EventKind::kPrediction, At(1'800'000'010));
  probe.CountEvent(EventKind::kPrediction, At(1'800'000'020));
  probe.CountEvent(EventKind::kPrediction, At(1'800'000'005));  // late event
  const auto e = Parse(metrics.Serialize());
  EXPECT_EQ(e.samples.at(R"(driftd_last_event_timestamp_seconds{model="fraud"})"), 1'800'000'020.0);
  EXPECT_EQ(e.types.at("driftd_last_event_timestamp_seconds"), "gauge");
}

TEST(MetricsTest, LastEventTimestampKeepsSubSecondPrecision) {
  Metrics metrics("v", "r");
  metrics.ForModel("m").CountEvent(EventKind::kPrediction,
                                   At(1'800'000'000) + std::chrono::milliseconds(250));
  const auto e = Parse(metrics.Serialize());
  EXPECT_EQ(e.samples.at(R"(driftd_last_event_timestamp_seconds{model="m"})"), 1'800'000'000.25);
}

TEST(MetricsTest, ConcurrentCountsAreNotLost) {
  Metrics metrics("v", "r");
  ModelProbe& probe = metrics.ForModel("fraud");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        probe.CountEvent(EventKind::kPrediction, At(1'000 + t * kPerThread + i));
        metrics.CountRejected(collectors::RejectReason::kEmpty);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto e = Parse(metrics.Serialize());
  EXPECT_EQ(e.samples.at(R"(driftd_events_total{kind="prediction",model="fraud"})"),
            kThreads * kPerThread);
  EXPECT_EQ(e.samples.at(R"(driftd_events_rejected_total{reason="empty"})"),
            kThreads * kPerThread);
  EXPECT_EQ(e.samples.at(R"(driftd_last_event_timestamp_seconds{model="fraud"})"),
            1'000 + kThreads * kPerThread - 1);
}

TEST(MetricsTest, ReloadsAreCountedByResult) {
  Metrics metrics("v", "r");
  {
    const auto e = Parse(metrics.Serialize());
    EXPECT_TRUE(HasLine(e, R"(driftd_config_reloads_total{result="success"} 0)"));
    EXPECT_TRUE(HasLine(e, R"(driftd_config_reloads_total{result="failure"} 0)"));
  }
  metrics.ConfigLoaded(At(1'800'000'000));
  metrics.ConfigReloaded(false, At(1'800'000'100));
  metrics.ConfigReloaded(false, At(1'800'000'200));
  {
    const auto e = Parse(metrics.Serialize());
    EXPECT_TRUE(HasLine(e, R"(driftd_config_reloads_total{result="failure"} 2)"));
    EXPECT_TRUE(HasLine(e, R"(driftd_config_reloads_total{result="success"} 0)"));
    // A failed reload keeps the time of the last successful load.
    EXPECT_EQ(e.samples.at("driftd_config_last_reload_success_timestamp_seconds"),
              1'800'000'000.0);
  }
  metrics.ConfigReloaded(true, At(1'800'000'300));
  const auto e = Parse(metrics.Serialize());
  EXPECT_TRUE(HasLine(e, R"(driftd_config_reloads_total{result="success"} 1)"));
  EXPECT_EQ(e.samples.at("driftd_config_last_reload_success_timestamp_seconds"), 1'800'000'300.0);
  EXPECT_EQ(e.types.at("driftd_config_last_reload_success_timestamp_seconds"), "gauge");
}

TEST(MetricsTest, EveryFamilyHasHelpAndType) {
  Metrics metrics("v", "r");
  metrics.ForModel("fraud");
  metrics.CountKafkaMessages("events", 1);
  metrics.SetKafkaConsumerLag("events", 0, 1);
  const auto e = Parse(metrics.Serialize());
  const std::set<std::string> expected = {
      "driftd_build_info",
      "driftd_events_total",
      "driftd_last_event_timestamp_seconds",
      "driftd_events_rejected_total",
      "driftd_config_reloads_total",
      "driftd_config_last_reload_success_timestamp_seconds",
      // Kafka ingestion and checkpoints.
      "driftd_kafka_messages_total",
      "driftd_kafka_redelivered_messages_total",
      "driftd_kafka_consumer_lag",
      "driftd_checkpoint_duration_seconds",
      "driftd_checkpoint_age_seconds",
      "driftd_checkpoint_size_bytes",
      "driftd_checkpoints_total",
      // Alerting (the only alerting family with a series before any alert).
      "driftd_alert_outbox_entries",
      // Drift evaluation (the only drift family with a series before any
      // evaluation).
      "driftd_evaluation_duration_seconds",
  };
  for (const auto& family : expected) {
    ASSERT_TRUE(e.types.count(family)) << family;
    ASSERT_TRUE(e.helps.count(family)) << family;
    EXPECT_FALSE(e.helps.at(family).empty()) << family;
  }
  for (const auto& [family, type] : e.types) {
    EXPECT_TRUE(expected.count(family)) << "unexpected family " << family;
    // Prometheus naming: counters, and only counters, end in _total.
    const bool total = family.size() > 6 && family.compare(family.size() - 6, 6, "_total") == 0;
    EXPECT_EQ(type == "counter", total) << family;
  }
}

// ---- Kafka ingestion and checkpoints ----------------------------------------

TEST(MetricsTest, KafkaMessagesAreCountedPerTopic) {
  Metrics metrics("v", "r");
  metrics.CountKafkaMessages("ml.predictions", 3);
  metrics.CountKafkaMessages("ml.labels", 1);
  metrics.CountKafkaMessages("ml.predictions", 2);
  metrics.CountKafkaRedelivered(4);
  const auto e = Parse(metrics.Serialize());
  EXPECT_EQ(e.samples.at(R"(driftd_kafka_messages_total{topic="ml.predictions"})"), 5);
  EXPECT_EQ(e.samples.at(R"(driftd_kafka_messages_total{topic="ml.labels"})"), 1);
  EXPECT_EQ(e.samples.at("driftd_kafka_redelivered_messages_total"), 4);
  EXPECT_EQ(e.types.at("driftd_kafka_messages_total"), "counter");
}

TEST(MetricsTest, ConsumerLagIsAGaugePerTopicAndPartition) {
  Metrics metrics("v", "r");
  metrics.SetKafkaConsumerLag("events", 0, 120);
  metrics.SetKafkaConsumerLag("events", 2, 7);
  metrics.SetKafkaConsumerLag("events", 0, 15);
  const auto e = Parse(metrics.Serialize());
  EXPECT_EQ(e.samples.at(R"(driftd_kafka_consumer_lag{partition="0",topic="events"})"), 15);
  EXPECT_EQ(e.samples.at(R"(driftd_kafka_consumer_lag{partition="2",topic="events"})"), 7);
  EXPECT_EQ(e.types.at("driftd_kafka_consumer_lag"), "gauge");
}

TEST(MetricsTest, CheckpointsReportDurationSizeAgeAndResult) {
  Metrics metrics("v", "r");
  metrics.CheckpointWritten(std::chrono::milliseconds(3), 2048);
  metrics.CheckpointWritten(std::chrono::milliseconds(40), 4096);
  metrics.CheckpointFailed();
  metrics.SetCheckpointAge(std::chrono::seconds(12));
  const auto e = Parse(metrics.Serialize());
  EXPECT_EQ(e.types.at("driftd_checkpoint_duration_seconds"), "histogram");
  EXPECT_EQ(e.samples.at("driftd_checkpoint_duration_seconds_count"), 2);
  EXPECT_DOUBLE_EQ(e.samples.at("driftd_checkpoint_duration_seconds_sum"), 0.043);
  // 3 ms falls in the 5 ms bucket, 40 ms in the 50 ms one.
  EXPECT_EQ(e.samples.at(R"(driftd_checkpoint_duration_seconds_bucket{le="0.0025"})"), 0);
  EXPECT_EQ(e.samples.at(R"(driftd_checkpoint_duration_seconds_bucket{le="0.005"})"), 1);
  EXPECT_EQ(e.samples.at(R"(driftd_checkpoint_duration_seconds_bucket{le="0.05"})"), 2);
  EXPECT_EQ(e.samples.at("driftd_checkpoint_size_bytes"), 4096);
  EXPECT_EQ(e.samples.at("driftd_checkpoint_age_seconds"), 12);
  EXPECT_EQ(e.samples.at(R"(driftd_checkpoints_total{result="success"})"), 2);
  EXPECT_EQ(e.samples.at(R"(driftd_checkpoints_total{result="failure"})"), 1);
}

TEST(MetricsTest, AlertingFamilies) {
  Metrics metrics("v", "r");
  metrics.SetFiring("FeatureDrift", "fraud", 2);
  metrics.SetFiring("FeatureDrift", "fraud", 1);
  metrics.CountNotification("am", "delivered", 3);
  metrics.CountNotification("am", "delivered", 1);
  metrics.CountNotification("am", "dropped", 1);
  metrics.SetOutboxEntries(7);
  metrics.CountDropped("bound", 2);
  const auto e = Parse(metrics.Serialize());
  EXPECT_EQ(e.types.at("driftd_alerts_firing"), "gauge");
  EXPECT_EQ(e.samples.at(R"(driftd_alerts_firing{alertname="FeatureDrift",model="fraud"})"), 1);
  EXPECT_EQ(e.types.at("driftd_alert_notifications_total"), "counter");
  EXPECT_EQ(e.samples.at(R"(driftd_alert_notifications_total{result="delivered",sink="am"})"), 4);
  EXPECT_EQ(e.samples.at(R"(driftd_alert_notifications_total{result="dropped",sink="am"})"), 1);
  EXPECT_EQ(e.samples.at("driftd_alert_outbox_entries"), 7);
  EXPECT_EQ(e.samples.at(R"(driftd_alert_outbox_dropped_total{reason="bound"})"), 2);
}

}  // namespace
}  // namespace driftd
