#include "daemon/pipeline.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>

#include "fake_clock.h"

namespace driftd {
namespace {

class FakeModelProbe : public ModelProbe {
 public:
  void CountEvent(EventKind kind, Timestamp ts) override {
    ++counts[static_cast<int>(kind)];
    last_ts = ts;
  }
  std::array<int, kEventKindCount> counts{};
  Timestamp last_ts{};
};

class FakePipelineProbe : public PipelineProbe {
 public:
  ModelProbe& ForModel(const std::string& model) override { return models[model]; }
  void CountRejected(collectors::RejectReason reason) override {
    ++rejected[collectors::RejectReasonName(reason)];
  }
  std::map<std::string, FakeModelProbe> models;
  std::map<std::string, int> rejected;
};

std::shared_ptr<const config::Config> ConfigWithModels(std::vector<std::string> names) {
  auto config = std::make_shared<config::Config>();
  for (auto& name : names) {
    config::ModelConfig model;
    model.name = name;
    config->models.push_back(model);
  }
  return config;
}

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest()
      : null_(std::fopen("/dev/null", "w")),
        log_(clock_, null_, config::LogLevel::kError),
        pipeline_(ConfigWithModels({"fraud", "churn"}), probe_, clock_, log_) {}
  ~PipelineTest() override { std::fclose(null_); }

  void Feed(std::string_view json) {
    collectors::SourceMessage message;
    message.payload = json;
    message.size = json.size();
    pipeline_.Handle(message);
  }

  const ModelStatus& Model(const std::string& name) {
    status_ = pipeline_.Status();
    for (const auto& m : status_->models) {
      if (m.name == name) return m;
    }
    ADD_FAILURE() << "no model " << name;
    static const ModelStatus kNone;
    return kNone;
  }

  testing::FakeClock clock_;
  std::FILE* null_;
  Logger log_;
  FakePipelineProbe probe_;
  Pipeline pipeline_;
  std::shared_ptr<const PipelineStatus> status_;
};

TEST_F(PipelineTest, CountsAcceptedEventsPerModelAndKind) {
  Feed(R"({"model": "fraud", "ts": 1800000000, "features": {"a": 1}, "prediction": 0.5})");
  Feed(R"({"kind": "label", "model": "fraud", "id": "x", "ts": 1800000001, "label": 1})");
  Feed(R"({"kind": "input", "model": "churn", "ts": 1800000002, "features": {"b": "DE"}})");
  pipeline_.Publish();

  const auto& fraud = probe_.models["fraud"];
  EXPECT_EQ(fraud.counts[static_cast<int>(EventKind::kPrediction)], 1);
  EXPECT_EQ(fraud.counts[static_cast<int>(EventKind::kLabel)], 1);
  EXPECT_EQ(probe_.models["churn"].counts[static_cast<int>(EventKind::kInput)], 1);
  EXPECT_EQ(Model("fraud").events[static_cast<int>(EventKind::kPrediction)], 1u);
  EXPECT_EQ(Model("fraud").last_event, Timestamp(std::chrono::seconds(1800000001)));
  EXPECT_EQ(status_->messages, 3u);
}

TEST_F(PipelineTest, RejectsWithAReasonAndCountsNothingElse) {
  Feed("{not json");
  Feed(R"({"model": "nobody", "ts": 1800000000})");
  Feed("");
  pipeline_.Publish();
  EXPECT_EQ(probe_.rejected["invalid_json"], 1);
  EXPECT_EQ(probe_.rejected["unknown_model"], 1);
  EXPECT_EQ(probe_.rejected["empty"], 1);
  EXPECT_EQ(Model("fraud").events, (std::array<std::uint64_t, kEventKindCount>{}));
  EXPECT_EQ(status_->rejected[static_cast<int>(collectors::RejectReason::kInvalidJson)], 1u);
  EXPECT_EQ(status_->messages, 3u);
}

TEST_F(PipelineTest, TracksTheModelVersion) {
  Feed(R"({"kind": "model", "model": "fraud", "model_version": "v42", "ts": 1800000000})");
  pipeline_.Publish();
  EXPECT_EQ(Model("fraud").version, "v42");
}

TEST_F(PipelineTest, ReconfigureKeepsStateOfModelsThatStay) {
  Feed(R"({"model": "fraud", "ts": 1800000000, "prediction": 0.5})");
  Feed(R"({"model": "churn", "ts": 1800000000, "prediction": 0.5})");
  pipeline_.Reconfigure(ConfigWithModels({"fraud", "spam"}));

  EXPECT_EQ(Model("fraud").events[static_cast<int>(EventKind::kPrediction)], 1u);
  EXPECT_EQ(Model("spam").events[static_cast<int>(EventKind::kPrediction)], 0u);
  EXPECT_EQ(status_->models.size(), 2u);  // churn is gone

  Feed(R"({"model": "churn", "ts": 1800000000, "prediction": 0.5})");
  EXPECT_EQ(probe_.rejected["unknown_model"], 1);
}

TEST_F(PipelineTest, StatusIsASnapshotUntilPublished) {
  pipeline_.Publish();
  auto before = pipeline_.Status();
  Feed(R"({"model": "fraud", "ts": 1800000000, "prediction": 0.5})");
  EXPECT_EQ(pipeline_.Status(), before);
  pipeline_.Publish();
  EXPECT_EQ(pipeline_.Status()->messages, 1u);
  EXPECT_EQ(before->messages, 0u);
}

}  // namespace
}  // namespace driftd
