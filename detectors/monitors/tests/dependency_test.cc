// M1: dependency changes result in notification.
#include <gtest/gtest.h>

#include "detectors/monitors/dependency_tracker.h"
#include "detectors/monitors/model_monitors.h"
#include "monitor_test_util.h"

namespace driftd::detectors {
namespace {

using namespace testutil;

TEST(DependencyTest, ModelVersionChangeNotifiesThenClears) {
  testing::FakeClock clock;
  config::ModelConfig model = BaseModel();
  ModelMonitors m(model, clock.Now());
  m.Observe(ModelEvent(clock.Now(), "v1", {{"sklearn", "1.5.2"}}));
  auto findings = Of(m.Evaluate(clock.Now()), Check::kDependencyChanged);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_FALSE(findings[0].failing) << "the first version is a baseline, not a change";

  clock.Advance(10min);
  m.Observe(ModelEvent(clock.Now(), "v2", {{"sklearn", "1.5.2"}}));
  findings = Of(m.Evaluate(clock.Now()), Check::kDependencyChanged);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_TRUE(findings[0].failing);
  EXPECT_EQ(findings[0].subject, "model_version");
  EXPECT_NE(findings[0].details.find("v1 -> v2"), std::string::npos) << findings[0].details;
  EXPECT_EQ(m.dependencies().version(), "v2");

  // Past the notification period (the model's window) the notice clears.
  clock.Advance(61min);
  findings = Of(m.Evaluate(clock.Now()), Check::kDependencyChanged);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_FALSE(findings[0].failing);
  EXPECT_EQ(m.dependencies().changes().size(), 1u) << "the change stays listed";
}

TEST(DependencyTest, DependenciesMapChangeIsOrderInsensitive) {
  DependencyTracker t(std::chrono::hours(1));
  const Timestamp t0 = testing::FakeClock().Now();
  t.ObserveModelEvent(ModelEvent(t0, "v1", {{"a", "1"}, {"b", "2"}}));
  t.ObserveModelEvent(ModelEvent(t0, "v1", {{"b", "2"}, {"a", "1"}}));
  EXPECT_TRUE(t.changes().empty());
  t.ObserveModelEvent(ModelEvent(t0, "v1", {{"b", "3"}, {"a", "1"}}));
  ASSERT_EQ(t.changes().size(), 1u);
  EXPECT_EQ(t.changes()[0].what, "dependencies");
  EXPECT_EQ(t.changes()[0].from, "a=1,b=2");
  EXPECT_EQ(t.changes()[0].to, "a=1,b=3");
}

TEST(DependencyTest, NewFeatureNameInTrafficNotifies) {
  testing::FakeClock clock;
  config::ModelConfig model = BaseModel();
  model.features = {NumericFeature("amount")};
  ModelMonitors m(model, clock.Now());
  m.Observe(Prediction(clock.Now(), 0.5, {{"amount", 1.0}}));
  m.Observe(Prediction(clock.Now(), 0.5, {{"amount", 2.0}}));
  EXPECT_TRUE(m.dependencies().changes().empty());
  m.Observe(Prediction(clock.Now(), 0.5, {{"amount", 2.0}, {"country", std::string("DE")}}));
  ASSERT_EQ(m.dependencies().changes().size(), 1u);
  EXPECT_EQ(m.dependencies().changes()[0].what, "feature_set");
  EXPECT_EQ(m.dependencies().changes()[0].to, "+country");
  // Seen once, it is no longer new.
  m.Observe(Prediction(clock.Now(), 0.5, {{"amount", 2.0}, {"country", std::string("FR")}}));
  EXPECT_EQ(m.dependencies().changes().size(), 1u);
  const auto f = Of(m.Evaluate(clock.Now()), Check::kDependencyChanged, "feature_set");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].failing);
}

TEST(DependencyTest, PredictionVersionsDoNotNotify) {
  DependencyTracker t(std::chrono::hours(1));
  t.ObservePredictionVersion("v1");
  EXPECT_EQ(t.version(), "v1");
  t.ObservePredictionVersion("v2");
  EXPECT_EQ(t.version(), "v2");
  EXPECT_TRUE(t.changes().empty());
  const Timestamp t0 = testing::FakeClock().Now();
  t.ObserveModelEvent(ModelEvent(t0, "v3"));
  EXPECT_TRUE(t.changes().empty()) << "the first model event sets the baseline";
  t.ObservePredictionVersion("v2");
  EXPECT_EQ(t.version(), "v3") << "model events are the authority";
}

TEST(DependencyTest, ChangeListIsBounded) {
  DependencyTracker t(std::chrono::hours(1));
  const Timestamp t0 = testing::FakeClock().Now();
  for (int i = 0; i < 50; ++i) t.ObserveModelEvent(ModelEvent(t0, "v" + std::to_string(i)));
  EXPECT_EQ(t.changes().size(), DependencyTracker::kMaxChanges);
  EXPECT_EQ(t.changes().back().to, "v49");
}

}  // namespace
}  // namespace driftd::detectors
