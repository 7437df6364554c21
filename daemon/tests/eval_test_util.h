// Shared helpers of the drift-window and evaluator tests: configs, events
// and a pipeline fed with JSON lines.
#ifndef DRIFTD_DAEMON_TESTS_EVAL_TEST_UTIL_H_
#define DRIFTD_DAEMON_TESTS_EVAL_TEST_UTIL_H_

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/pipeline.h"
#include "fake_clock.h"

namespace driftd::eval_testing {

class NullModelProbe : public ModelProbe {
 public:
  void CountEvent(EventKind, Timestamp) override {}
};

class NullPipelineProbe : public PipelineProbe {
 public:
  ModelProbe& ForModel(const std::string&) override { return model_; }
  void CountRejected(collectors::RejectReason) override {}

 private:
  NullModelProbe model_;
};

inline config::FeatureConfig Numeric(std::string name) {
  config::FeatureConfig f;
  f.name = std::move(name);
  f.type = config::FeatureType::kNumeric;
  return f;
}

inline config::FeatureConfig Categorical(std::string name) {
  config::FeatureConfig f;
  f.name = std::move(name);
  f.type = config::FeatureType::kCategorical;
  return f;
}

// A model "m" with features x (numeric) and c (categorical), a first-N
// reference of `reference_events`, a 1h window of 60 panes.
inline config::ModelConfig BasicModel(std::uint64_t reference_events = 5) {
  config::ModelConfig m;
  m.name = "m";
  m.window = std::chrono::hours(1);
  m.reference.type = config::ReferenceType::kFirst;
  m.reference.events = reference_events;
  m.min_samples = 1;
  m.features = {Numeric("x"), Categorical("c")};
  return m;
}

inline std::shared_ptr<const config::Config> ConfigOf(std::vector<config::ModelConfig> models) {
  auto config = std::make_shared<config::Config>();
  config->models = std::move(models);
  return config;
}

// Seconds since the epoch of the test traffic's first event.
inline constexpr std::int64_t kT0 = 1'800'000'000;

// A pipeline that logs nowhere, fed with JSON lines.
class PipelineFixture {
 public:
  explicit PipelineFixture(std::shared_ptr<const config::Config> config, BaselineLoader loader = {})
      : null_(std::fopen("/dev/null", "w")),
        log_(clock_, null_, config::LogLevel::kError),
        pipeline_(std::move(config), probe_, clock_, log_, std::move(loader)) {}
  ~PipelineFixture() { std::fclose(null_); }

  void Feed(const std::string& json) {
    collectors::SourceMessage message;
    message.payload = json;
    message.size = json.size();
    pipeline_.Handle(message);
  }

  const ModelStatus& Model(const std::string& name) {
    pipeline_.Publish();
    status_ = pipeline_.Status();
    for (const auto& m : status_->models) {
      if (m.name == name) return m;
    }
    static const ModelStatus kNone;
    return kNone;
  }

  Pipeline& pipeline() { return pipeline_; }
  Logger& log() { return log_; }

 private:
  testing::FakeClock clock_;
  std::FILE* null_;
  Logger log_;
  NullPipelineProbe probe_;
  Pipeline pipeline_;
  std::shared_ptr<const PipelineStatus> status_;
};

// {"model": "m", "ts": kT0 + seconds, "features": {...}} with the given
// features object body.
inline std::string Prediction(double seconds, const std::string& features,
                              const std::string& extra = "") {
  char ts[64];
  std::snprintf(ts, sizeof ts, "%.3f", static_cast<double>(kT0) + seconds);
  return std::string(R"({"model": "m", "ts": )") + ts + R"(, "features": {)" + features + "}" + extra + "}";
}

}  // namespace driftd::eval_testing

#endif  // DRIFTD_DAEMON_TESTS_EVAL_TEST_UTIL_H_
