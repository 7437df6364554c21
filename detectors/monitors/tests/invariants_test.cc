// M2: data invariants hold for inputs.
#include "detectors/monitors/invariants.h"

#include <gtest/gtest.h>

#include <limits>

#include "detectors/monitors/model_monitors.h"
#include "monitor_test_util.h"

namespace driftd::detectors {
namespace {

using namespace testutil;

config::ModelConfig InvariantModel() {
  config::ModelConfig m = BaseModel();
  config::FeatureConfig amount = NumericFeature("amount");
  amount.min = 0;
  amount.max = 100;
  amount.max_missing = 0.2;
  m.features = {amount, CategoricalFeature("country", {"DE", "FR"})};
  m.max_invariant_violation_share = 0.05;
  return m;
}

TEST(InvariantsTest, EachRuleCountsItsViolations) {
  const config::ModelConfig model = InvariantModel();
  InvariantMonitor inv(model);
  const Timestamp t = testing::FakeClock().Now();
  const auto row = [&](Value amount, std::optional<Value> country) {
    inv.Begin(t);
    inv.ObserveValue(0, amount);
    if (country) inv.ObserveValue(1, *country);
    inv.End();
  };
  row(50.0, std::string("DE"));                                      // clean
  row(150.0, std::string("DE"));                                     // range
  row(std::string("abc"), std::string("FR"));                        // type
  row(std::numeric_limits<double>::quiet_NaN(), std::string("DE"));  // finite
  row(Missing{}, std::string("US"));                                 // missing + category
  row(10.0, std::nullopt);  // country absent: missing (no rule)
  EXPECT_EQ(inv.total(0, InvariantRule::kRange), 1u);
  EXPECT_EQ(inv.total(0, InvariantRule::kType), 1u);
  EXPECT_EQ(inv.total(0, InvariantRule::kFinite), 1u);
  EXPECT_EQ(inv.total(0, InvariantRule::kMissing), 1u);
  EXPECT_EQ(inv.total(1, InvariantRule::kCategory), 1u);
  EXPECT_EQ(inv.total(1, InvariantRule::kMissing), 1u);
  EXPECT_FALSE(inv.Applies(1, InvariantRule::kMissing)) << "no max_missing for country";
  EXPECT_FALSE(inv.Applies(1, InvariantRule::kRange));
}

TEST(InvariantsTest, WindowShareAgainstThreshold) {
  testing::FakeClock clock;
  ModelMonitors m(InvariantModel(), clock.Now());
  for (int i = 0; i < 100; ++i) {
    const double amount = i < 4 ? 500.0 : 5.0;  // 4% out of range: under the 5% limit
    m.Observe(Prediction(clock.Now(), 0.5, {{"amount", amount}, {"country", std::string("DE")}}));
  }
  auto findings = m.Evaluate(clock.Now());
  const Finding* range = One(findings, Check::kInvariantViolated, "amount", "range");
  ASSERT_NE(range, nullptr);
  EXPECT_DOUBLE_EQ(range->statistic, 0.04);
  EXPECT_DOUBLE_EQ(range->threshold, 0.05);
  EXPECT_FALSE(range->failing);
  for (int i = 0; i < 10; ++i) {
    m.Observe(Prediction(clock.Now(), 0.5, {{"amount", -1.0}, {"country", std::string("DE")}}));
  }
  findings = m.Evaluate(clock.Now());
  range = One(findings, Check::kInvariantViolated, "amount", "range");
  ASSERT_NE(range, nullptr);
  EXPECT_NEAR(range->statistic, 14.0 / 110.0, 1e-15);
  EXPECT_TRUE(range->failing);
  // The violations leave the window with time: evaluated on the clock.
  clock.Advance(2h);
  findings = m.Evaluate(clock.Now());
  range = One(findings, Check::kInvariantViolated, "amount", "range");
  EXPECT_FALSE(range->failing);
  EXPECT_EQ(range->samples, 0u);
}

TEST(InvariantsTest, MissingShareUsesMaxMissing) {
  testing::FakeClock clock;
  ModelMonitors m(InvariantModel(), clock.Now());
  for (int i = 0; i < 20; ++i) {
    std::vector<Feature> f = {{"country", std::string("DE")}};
    if (i % 4 != 0) f.push_back({"amount", 1.0});  // 25% absent > 20%
    m.Observe(Prediction(clock.Now(), 0.5, f));
  }
  const auto findings = m.Evaluate(clock.Now());
  const Finding* missing = One(findings, Check::kInvariantViolated, "amount", "missing");
  ASSERT_NE(missing, nullptr);
  EXPECT_DOUBLE_EQ(missing->statistic, 0.25);
  EXPECT_DOUBLE_EQ(missing->threshold, 0.2);
  EXPECT_TRUE(missing->failing);
}

TEST(InvariantsTest, UnconfiguredFeaturesAreCountedNotJudged) {
  testing::FakeClock clock;
  ModelMonitors m(InvariantModel(), clock.Now());
  for (int i = 0; i < 30; ++i) {
    m.Observe(Prediction(
        clock.Now(), 0.5,
        {{"amount", 1.0}, {"country", std::string("DE")}, {"extra", 1.0}, {"other", 2.0}}));
  }
  const auto findings = m.Evaluate(clock.Now());
  for (const Finding& f : Of(findings, Check::kInvariantViolated))
    EXPECT_FALSE(f.failing) << f.subject;
  const auto snap = m.Snapshot(clock.Now());
  bool found = false;
  for (const auto& c : snap.invariant_violations) {
    if (c.rule == "unconfigured_feature") {
      found = true;
      EXPECT_EQ(c.total, 30u) << "counted once per event";
    }
  }
  EXPECT_TRUE(found);
}

TEST(InvariantsTest, BelowMinSamplesNotJudged) {
  testing::FakeClock clock;
  ModelMonitors m(InvariantModel(), clock.Now());
  for (int i = 0; i < 5; ++i)
    m.Observe(Prediction(clock.Now(), 0.5, {{"amount", -5.0}, {"country", std::string("DE")}}));
  const auto findings = m.Evaluate(clock.Now());
  const Finding* range = One(findings, Check::kInvariantViolated, "amount", "range");
  ASSERT_NE(range, nullptr);
  EXPECT_FALSE(range->judged);
  EXPECT_FALSE(range->failing);
}

}  // namespace
}  // namespace driftd::detectors
