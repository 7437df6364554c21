// The monitors' daemon glue: scorecard JSON, the hub combining drift
// findings, and the Prometheus families of the monitoring block.
#include "daemon/monitoring.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "daemon/metrics.h"
#include "fake_clock.h"

namespace driftd {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

config::ModelConfig Model() {
  config::ModelConfig m;
  m.name = "fraud";
  m.min_samples = 5;
  config::FeatureConfig amount;
  amount.name = "amount";
  amount.min = 0;
  m.features = {amount};
  m.max_silence = 5min;
  m.trained_at = "2026-11-01T00:00:00Z";
  m.max_model_age = std::chrono::hours(24 * 365);
  config::PredictionConfig p;
  m.prediction = p;
  config::QualityConfig q;
  q.metric = "accuracy";
  q.min = 0.9;
  m.quality = q;
  return m;
}

Event Prediction(Timestamp ts, const std::string& id, double score, double amount) {
  Event e;
  e.model = "fraud";
  e.ts = ts;
  e.id = id;
  e.prediction = score;
  e.features = {{"amount", amount}};
  return e;
}

Event Label(Timestamp ts, const std::string& id, double y) {
  Event e;
  e.kind = EventKind::kLabel;
  e.model = "fraud";
  e.ts = ts;
  e.id = id;
  e.label = y;
  return e;
}

class FakeProbe : public MonitoringProbe {
 public:
  void PublishMonitoring(const detectors::MonitorSnapshot& s) override { last = s; }
  void RetainMonitoredModels(const std::vector<std::string>& models) override { retained = models; }
  detectors::MonitorSnapshot last;
  std::vector<std::string> retained;
};

const json::object& Item(const json::object& model, const char* name) {
  for (const auto& it : model.at("items").as_array()) {
    if (it.as_object().at("item").as_string() == name) return it.as_object();
  }
  throw std::runtime_error("no item");
}

TEST(MonitoringTest, ConfiguredTrainedAtIsParsed) {
  config::ModelConfig m = Model();
  ASSERT_TRUE(ConfiguredTrainedAt(m).has_value());
  m.trained_at = "not a time";
  EXPECT_FALSE(ConfiguredTrainedAt(m).has_value());
}

TEST(MonitoringTest, ScorecardJsonShowsStatusesChecksAndFailures) {
  testing::FakeClock clock;
  auto monitors = MakeModelMonitors(Model(), clock.Now(), nullptr);
  for (int i = 0; i < 20; ++i) {
    const std::string id = "r" + std::to_string(i);
    monitors->Observe(Prediction(clock.Now(), id, 0.9, 1.0));
    monitors->Observe(Label(clock.Now(), id, i < 12 ? 1.0 : 0.0));  // accuracy 0.6 < 0.9
  }
  FakeProbe probe;
  MonitoringHub hub(probe);
  hub.Publish(EvaluateMonitors(*monitors, clock.Now()));
  ModelEvaluation drift{"fraud", clock.Now(), {}};
  Finding f;
  f.model = "fraud";
  f.check = Check::kFeatureDrift;
  f.subject = "amount";
  f.test = "ks";
  f.failing = true;
  f.statistic = 0.4;
  f.threshold = 0.05;
  f.evaluated_at = clock.Now();
  drift.findings.push_back(f);
  hub.OnDriftEvaluation(drift);

  const json::object doc = json::parse(hub.ScorecardJson(clock.Now())).as_object();
  const json::array& models = doc.at("models").as_array();
  ASSERT_EQ(models.size(), 1u);
  const json::object& m = models[0].as_object();
  EXPECT_EQ(m.at("model").as_string(), "fraud");
  EXPECT_EQ(m.at("score").as_int64(), 6) << "M6 (latency) is not configured";
  EXPECT_EQ(Item(m, "M6").at("status").as_string(), "not_configured");
  EXPECT_FALSE(Item(m, "M6").contains("checks"));
  EXPECT_EQ(Item(m, "M1").at("status").as_string(), "ok");
  EXPECT_EQ(Item(m, "M3").at("status").as_string(), "failing");
  const json::object& m7 = Item(m, "M7");
  EXPECT_EQ(m7.at("status").as_string(), "failing");
  ASSERT_EQ(m7.at("failures").as_array().size(), 1u);
  const json::object& failure = m7.at("failures").as_array()[0].as_object();
  EXPECT_EQ(failure.at("check").as_string(), "QualityRegression");
  EXPECT_DOUBLE_EQ(failure.at("statistic").as_double(), 0.6);
  EXPECT_DOUBLE_EQ(failure.at("threshold").as_double(), 0.9);
  EXPECT_EQ(failure.at("samples").as_int64(), 20);
  EXPECT_DOUBLE_EQ(m7.at("numbers").as_object().at("labels_joined").as_double(), 20.0);
  EXPECT_FALSE(Item(m, "M4").at("last_evaluated").is_null());

  // The probe saw the drift-aware statuses: M3 and M7 failing.
  std::map<std::string, int> items(probe.last.items.begin(), probe.last.items.end());
  EXPECT_EQ(items.at("M3"), 0);
  EXPECT_EQ(items.at("M7"), 0);
  EXPECT_EQ(items.at("M4"), 1);
  EXPECT_EQ(items.count("M6"), 0u);
  EXPECT_EQ(probe.last.score, 6);
}

TEST(MonitoringTest, MonitorsSurviveAReloadOfTheSameShape) {
  testing::FakeClock clock;
  auto a = MakeModelMonitors(Model(), clock.Now(), nullptr);
  for (int i = 0; i < 10; ++i)
    a->Observe(Prediction(clock.Now(), "p" + std::to_string(i), 0.9, 1.0));
  config::ModelConfig changed = Model();
  changed.quality->min = 0.5;  // a threshold: same shape
  auto b = MakeModelMonitors(changed, clock.Now(), a.get());
  EXPECT_EQ(b->quality().join().pending_predictions(), 10u);
  config::ModelConfig reshaped = Model();
  reshaped.window = std::chrono::hours(2);
  auto c = MakeModelMonitors(reshaped, clock.Now(), a.get());
  EXPECT_EQ(c->quality().join().pending_predictions(), 0u);
}

TEST(MonitoringTest, MetricsBlockExportsTheFamilies) {
  testing::FakeClock clock;
  auto monitors = MakeModelMonitors(Model(), clock.Now(), nullptr);
  for (int i = 0; i < 10; ++i) {
    Event e = Prediction(clock.Now(), "r" + std::to_string(i), 0.9, i < 2 ? -1.0 : 1.0);
    e.model_version = "v7";
    monitors->Observe(e);
    monitors->Observe(Label(clock.Now(), "r" + std::to_string(i), 1.0));
  }
  Metrics metrics("1.0", "abc");
  MonitoringHub hub(metrics);
  hub.Publish(EvaluateMonitors(*monitors, clock.Now()));
  hub.Publish(EvaluateMonitors(*monitors, clock.Now()));  // counters must not double
  const std::string text = metrics.Serialize();
  for (const char* want : {
           "driftd_model_info{model=\"fraud\",version=\"v7\"} 1",
           "driftd_invariant_violations_total{feature=\"amount\",model=\"fraud\",rule=\"range\"} 2",
           "driftd_nonfinite_values_total{field=\"prediction\",model=\"fraud\"} 0",
           "driftd_label_join_total{model=\"fraud\",outcome=\"joined\"} 10",
           "driftd_prediction_quality{metric=\"accuracy\",model=\"fraud\"} 1",
           "driftd_ml_test_score_monitor{item=\"M7\",model=\"fraud\"} 1",
           "driftd_ml_test_score{model=\"fraud\"} 6",
           "driftd_model_age_seconds{model=\"fraud\"}",
       }) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
  EXPECT_EQ(text.find("driftd_ml_test_score_monitor{item=\"M6\""), std::string::npos);
  hub.Retain({});
  const std::string after = metrics.Serialize();
  EXPECT_EQ(after.find("driftd_ml_test_score{model=\"fraud\"}"), std::string::npos);
  EXPECT_EQ(after.find("driftd_model_info{model=\"fraud\""), std::string::npos);
}

}  // namespace
}  // namespace driftd
