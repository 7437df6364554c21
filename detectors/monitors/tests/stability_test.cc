// M5: models are numerically stable.
#include "detectors/monitors/stability.h"

#include <gtest/gtest.h>

#include <limits>

#include "detectors/monitors/model_monitors.h"
#include "monitor_test_util.h"

namespace driftd::detectors {
namespace {

using namespace testutil;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

config::ModelConfig StableModel() {
  config::ModelConfig m = BaseModel();
  m.features = {NumericFeature("amount")};
  config::PredictionConfig p;
  p.min = 0;
  p.max = 1;
  p.min_variance = 1e-4;
  p.min_distinct = 5;
  m.prediction = p;
  return m;
}

TEST(StabilityTest, NaNBurstFailsThenDrainsFromTheWindow) {
  testing::FakeClock clock;
  ModelMonitors m(StableModel(), clock.Now());
  for (int i = 0; i < 50; ++i) m.Observe(Prediction(clock.Now(), 0.01 * i, {{"amount", 1.0 * i}}));
  auto findings = m.Evaluate(clock.Now());
  for (const Finding& f : Of(findings, Check::kNonFinite))
    EXPECT_FALSE(f.failing) << f.subject << " " << f.details;

  clock.Advance(1min);
  for (int i = 0; i < 7; ++i) m.Observe(Prediction(clock.Now(), kNaN, {{"amount", 1.0}}));
  m.Observe(Prediction(clock.Now(), 0.5, {{"amount", -kInf}}));
  Event as_string = Prediction(clock.Now(), 0.5, {{"amount", std::string("NaN")}});
  as_string.prediction = std::string("Infinity");
  m.Observe(as_string);
  findings = m.Evaluate(clock.Now());
  const Finding* pred = One(findings, Check::kNonFinite, "prediction", "nonfinite");
  ASSERT_NE(pred, nullptr);
  EXPECT_TRUE(pred->failing);
  EXPECT_DOUBLE_EQ(pred->statistic, 8.0);
  const Finding* feat = One(findings, Check::kNonFinite, "amount", "nonfinite");
  ASSERT_NE(feat, nullptr);
  EXPECT_TRUE(feat->failing);
  EXPECT_DOUBLE_EQ(feat->statistic, 2.0);

  // Counters are cumulative; the window forgets after its length.
  clock.Advance(2h);
  findings = m.Evaluate(clock.Now());
  EXPECT_FALSE(One(findings, Check::kNonFinite, "prediction", "nonfinite")->failing);
  const auto snap = m.Snapshot(clock.Now());
  for (const auto& c : snap.nonfinite_values) {
    if (c.label == "prediction") {
      EXPECT_EQ(c.total, 8u);
    }
    if (c.label == "amount") {
      EXPECT_EQ(c.total, 2u);
    }
  }
}

TEST(StabilityTest, CollapsedPredictionsFailVarianceAndDistinct) {
  testing::FakeClock clock;
  ModelMonitors m(StableModel(), clock.Now());
  for (int i = 0; i < 100; ++i)
    m.Observe(Prediction(clock.Now(), i % 2 == 0 ? 0.7 : 0.7001, {{"amount", 1.0}}));
  const auto findings = m.Evaluate(clock.Now());
  const Finding* var = One(findings, Check::kNonFinite, "prediction_variance", "variance");
  ASSERT_NE(var, nullptr);
  EXPECT_TRUE(var->failing);
  EXPECT_NEAR(var->statistic, 0.25e-8, 1e-12);  // two values 1e-4 apart, equal shares
  const Finding* distinct = One(findings, Check::kNonFinite, "prediction_distinct", "distinct");
  ASSERT_NE(distinct, nullptr);
  EXPECT_TRUE(distinct->failing);
  EXPECT_DOUBLE_EQ(distinct->statistic, 2.0);
}

TEST(StabilityTest, OutOfRangePredictionsShare) {
  testing::FakeClock clock;
  ModelMonitors m(StableModel(), clock.Now());
  for (int i = 0; i < 100; ++i)
    m.Observe(Prediction(clock.Now(), i < 5 ? 1.5 : 0.01 * i, {{"amount", 1.0}}));
  const auto findings = m.Evaluate(clock.Now());
  const Finding* range = One(findings, Check::kNonFinite, "prediction_range", "out_of_range_share");
  ASSERT_NE(range, nullptr);
  EXPECT_DOUBLE_EQ(range->statistic, 0.05);
  EXPECT_TRUE(range->failing) << "5% > max_invariant_violation_share 1%";
}

TEST(StabilityTest, FeatureWithFiniteFalseIsNotWatched) {
  config::ModelConfig model = StableModel();
  model.features[0].finite = false;
  testing::FakeClock clock;
  ModelMonitors m(model, clock.Now());
  m.Observe(Prediction(clock.Now(), 0.5, {{"amount", kNaN}}));
  const auto findings = m.Evaluate(clock.Now());
  EXPECT_EQ(One(findings, Check::kNonFinite, "amount", "nonfinite"), nullptr);
}

}  // namespace
}  // namespace driftd::detectors
