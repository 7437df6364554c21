#include "alerts/rules.h"

#include <gtest/gtest.h>

#include "alerts/tests/test_util.h"

namespace driftd::alerts {
namespace {

using namespace testing;

TEST(RulesTest, DefaultsWhenNothingConfigured) {
  auto c = TestConfig();
  const EffectiveRule r = ResolveRule(c->alerts, c->FindModel("fraud"), Check::kFeatureDrift);
  EXPECT_TRUE(r.enabled);
  EXPECT_EQ(r.for_duration, Duration::zero());
  EXPECT_EQ(r.severity, "warning");
  EXPECT_DOUBLE_EQ(r.hysteresis, 0.1);
  EXPECT_EQ(r.min_samples, 100u);  // the model's
  EXPECT_EQ(ResolveRule(c->alerts, c->FindModel("fraud"), Check::kDependencyChanged).severity, "info");
}

TEST(RulesTest, MinSamplesOnlyForChecksOverSamples) {
  auto c = TestConfig();
  const auto* fraud = c->FindModel("fraud");
  EXPECT_EQ(ResolveRule(c->alerts, fraud, Check::kQualityRegression).min_samples, 100u);
  EXPECT_EQ(ResolveRule(c->alerts, fraud, Check::kDataSilent).min_samples, 0u);
  EXPECT_EQ(ResolveRule(c->alerts, fraud, Check::kModelStale).min_samples, 0u);
  c->alerts.rules["DataSilent"].min_samples = 7;
  EXPECT_EQ(ResolveRule(c->alerts, fraud, Check::kDataSilent).min_samples, 7u);
}

TEST(RulesTest, ModelOverrideWinsOverGlobalRule) {
  auto c = TestConfig();
  c->alerts.rules["FeatureDrift"].severity = "critical";
  c->alerts.rules["FeatureDrift"].for_duration = 5min;
  config::AlertRuleConfig mine;
  mine.severity = "page";
  c->models[1].alerts["FeatureDrift"] = mine;  // churn
  EXPECT_EQ(ResolveRule(c->alerts, c->FindModel("fraud"), Check::kFeatureDrift).severity, "critical");
  EXPECT_EQ(ResolveRule(c->alerts, c->FindModel("fraud"), Check::kFeatureDrift).for_duration, 5min);
  EXPECT_EQ(ResolveRule(c->alerts, c->FindModel("churn"), Check::kFeatureDrift).severity, "page");
  EXPECT_EQ(ResolveRule(c->alerts, nullptr, Check::kFeatureDrift).severity, "critical");
}

TEST(RulesTest, LabelsOfAFeatureFinding) {
  auto c = TestConfig();
  c->alerts.labels = {{"team", "risk"}, {"model", "ignored"}, {"feature", "ignored"}};
  const EffectiveRule r = ResolveRule(c->alerts, c->FindModel("fraud"), Check::kFeatureDrift);
  const LabelSet labels = AlertLabels(c->alerts, r, DriftFinding(0.5));
  EXPECT_EQ(labels, (LabelSet{{"alertname", "FeatureDrift"},
                              {"model", "fraud"},
                              {"feature", "amount"},
                              {"item", "M3"},
                              {"severity", "warning"},
                              {"team", "risk"}}));
}

TEST(RulesTest, LabelsOfOtherChecks) {
  auto c = TestConfig();
  Finding f;
  f.model = "fraud";
  f.check = Check::kLatencyRegression;
  f.subject = "p99";
  EffectiveRule r = ResolveRule(c->alerts, c->FindModel("fraud"), f.check);
  LabelSet labels = AlertLabels(c->alerts, r, f);
  EXPECT_EQ(labels.at("subject"), "p99");
  EXPECT_EQ(labels.at("item"), "M6");
  EXPECT_EQ(labels.count("feature"), 0u);

  f.check = Check::kInvariantViolated;
  f.subject = "amount";
  f.test = "range";
  labels = AlertLabels(c->alerts, r, f);
  EXPECT_EQ(labels.at("feature"), "amount");
  EXPECT_EQ(labels.at("rule"), "range");
  EXPECT_EQ(labels.at("item"), "M2");

  f.check = Check::kModelStale;
  f.subject.clear();
  labels = AlertLabels(c->alerts, r, f);
  EXPECT_EQ(labels.count("subject"), 0u);
  EXPECT_EQ(labels.at("alertname"), "ModelStale");
}

TEST(RulesTest, UrlTemplatesArePercentEncoded) {
  const LabelSet labels{{"alertname", "FeatureDrift"}, {"model", "fraud v2"}, {"feature", "a&b/c"},
                        {"item", "M3"}};
  EXPECT_EQ(ExpandUrlTemplate("https://runbooks/{alertname}#{item}?m={model}&f={feature}", labels),
            "https://runbooks/FeatureDrift#M3?m=fraud%20v2&f=a%26b%2Fc");
  // Unknown names, a missing label and lone braces are kept or emptied as documented.
  EXPECT_EQ(ExpandUrlTemplate("x/{other}/{severity}/{", labels), "x/{other}//{");
  EXPECT_EQ(ExpandUrlTemplate("q={{\"m\":\"{model}\"}}", labels), "q={\"m\":\"fraud%20v2\"}");
}

TEST(RulesTest, AnnotationsExplainTheFinding) {
  auto c = TestConfig();
  c->alerts.runbook_url = "https://wiki/runbooks/{alertname}";
  c->alerts.dashboard_url = "https://grafana/d/drift?var-model={model}&var-feature={feature}";
  const EffectiveRule r = ResolveRule(c->alerts, c->FindModel("fraud"), Check::kFeatureDrift);
  Finding f = DriftFinding(0.3125);
  f.p_value = 1.5e-7;
  const LabelSet labels = AlertLabels(c->alerts, r, f);
  const LabelSet a = AlertAnnotations(r, labels, f, kT0);
  EXPECT_EQ(a.at("summary"), "FeatureDrift on model fraud, amount: ks 0.3125 >= threshold 0.2");
  EXPECT_EQ(a.at("description"),
            "ks = 0.3125 against threshold 0.2 (p-value 1.5e-07); current window 1h; 500 current "
            "samples, 10000 reference samples (exact); condition holds since 2027-01-15T08:00:00.000Z.");
  EXPECT_EQ(a.at("runbook_url"), "https://wiki/runbooks/FeatureDrift");
  EXPECT_EQ(a.at("dashboard_url"), "https://grafana/d/drift?var-model=fraud&var-feature=amount");
}

TEST(RulesTest, FormatsDurations) {
  EXPECT_EQ(FormatDuration(std::chrono::hours(1)), "1h");
  EXPECT_EQ(FormatDuration(90s), "1m30s");
  EXPECT_EQ(FormatDuration(250ms), "250ms");
  EXPECT_EQ(FormatDuration(Duration::zero()), "0s");
}

}  // namespace
}  // namespace driftd::alerts
