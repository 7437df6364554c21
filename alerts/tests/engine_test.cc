#include "alerts/engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "alerts/tests/test_util.h"

namespace driftd::alerts {
namespace {

using namespace testing;

std::vector<NotificationKind> Kinds(const EngineOutput& out) {
  std::vector<NotificationKind> kinds;
  for (const auto& n : out.notifications) kinds.push_back(n.kind);
  return kinds;
}

std::shared_ptr<config::Config> WithRule(const std::string& name, config::AlertRuleConfig rule) {
  auto c = TestConfig();
  c->alerts.rules[name] = rule;
  return c;
}

TEST(EngineTest, FiresAtOnceWithoutForAndCarriesEndsAt) {
  AlertEngine engine(TestConfig());
  EngineOutput out = engine.Evaluate(Eval({DriftFinding(0.5)}), kT0);
  ASSERT_EQ(out.notifications.size(), 1u);
  const Notification& n = out.notifications[0];
  EXPECT_EQ(n.kind, NotificationKind::kFiring);
  EXPECT_EQ(n.starts_at, kT0);
  // endsAt = now + 4 x max(evaluation 15s, resend 1m) = now + 4m.
  EXPECT_EQ(n.ends_at, kT0 + 4min);
  EXPECT_EQ(n.labels.at("alertname"), "FeatureDrift");
  EXPECT_EQ(n.labels.at("feature"), "amount");
  EXPECT_EQ(n.fingerprint, Fingerprint(n.labels));
  ASSERT_EQ(out.changes.size(), 2u);  // inactive -> pending -> firing in one step
  EXPECT_EQ(out.changes[0].to, AlertState::kPending);
  EXPECT_EQ(out.changes[1].to, AlertState::kFiring);
}

TEST(EngineTest, PendingBecomesFiringAfterFor) {
  config::AlertRuleConfig rule;
  rule.for_duration = 1min;
  AlertEngine engine(WithRule("FeatureDrift", rule));
  for (int i = 0; i < 4; ++i) {  // t = 0, 15, 30, 45 s: pending
    EXPECT_TRUE(engine.Evaluate(Eval({DriftFinding(0.5)}), kT0 + i * 15s).notifications.empty()) << i;
    ASSERT_EQ(engine.Active().size(), 1u);
    EXPECT_EQ(engine.Active()[0].state, AlertState::kPending);
  }
  EngineOutput out = engine.Evaluate(Eval({DriftFinding(0.5)}), kT0 + 60s);
  EXPECT_EQ(Kinds(out), std::vector{NotificationKind::kFiring});
  EXPECT_EQ(out.notifications[0].starts_at, kT0 + 60s);
  // The description says since when the condition holds: the pending start.
  EXPECT_NE(out.notifications[0].annotations.at("description").find(FormatRfc3339(kT0)),
            std::string::npos);
}

TEST(EngineTest, PendingThatClearsNeverFires) {
  config::AlertRuleConfig rule;
  rule.for_duration = 1min;
  AlertEngine engine(WithRule("FeatureDrift", rule));
  engine.Evaluate(Eval({DriftFinding(0.5)}), kT0);
  EngineOutput out = engine.Evaluate(Eval({DriftFinding(0.1)}), kT0 + 15s);
  EXPECT_TRUE(out.notifications.empty());
  EXPECT_TRUE(engine.Active().empty());
  // Starting over: needs the full `for` again.
  engine.Evaluate(Eval({DriftFinding(0.5)}), kT0 + 30s);
  EXPECT_TRUE(engine.Evaluate(Eval({DriftFinding(0.5)}), kT0 + 75s).notifications.empty());
  EXPECT_EQ(Kinds(engine.Evaluate(Eval({DriftFinding(0.5)}), kT0 + 90s)),
            std::vector{NotificationKind::kFiring});
}

TEST(EngineTest, ResendsEveryResendIntervalWithFreshEndsAt) {
  AlertEngine engine(TestConfig());
  engine.Evaluate(Eval({DriftFinding(0.5)}), kT0);
  std::vector<Timestamp> resent;
  for (Duration t = 15s; t <= 5min; t += 15s) {
    for (const auto& n : engine.Evaluate(Eval({DriftFinding(0.5)}), kT0 + t).notifications) {
      EXPECT_EQ(n.kind, NotificationKind::kResend);
      EXPECT_EQ(n.starts_at, kT0);
      EXPECT_EQ(n.ends_at, kT0 + t + 4min);
      resent.push_back(kT0 + t);
    }
  }
  EXPECT_EQ(resent, (std::vector{kT0 + 1min, kT0 + 2min, kT0 + 3min, kT0 + 4min, kT0 + 5min}));
}

TEST(EngineTest, TickResendsWithoutEvaluations) {
  AlertEngine engine(TestConfig());
  engine.Evaluate(Eval({DriftFinding(0.5)}), kT0);
  EXPECT_TRUE(engine.Tick(kT0 + 59s).notifications.empty());
  EXPECT_EQ(Kinds(engine.Tick(kT0 + 60s)), std::vector{NotificationKind::kResend});
  EXPECT_TRUE(engine.Tick(kT0 + 61s).notifications.empty());
}

TEST(EngineTest, EndsAtUsesEvaluationIntervalWhenLonger) {
  auto c = TestConfig();
  c->daemon.evaluation_interval = 5min;
  AlertEngine engine(c);
  EXPECT_EQ(engine.Evaluate(Eval({DriftFinding(0.5)}), kT0).notifications[0].ends_at, kT0 + 20min);
}

TEST(EngineTest, ResolvesWithEndsAtNow) {
  AlertEngine engine(TestConfig());
  engine.Evaluate(Eval({DriftFinding(0.5)}), kT0);
  EngineOutput out = engine.Evaluate(Eval({DriftFinding(0.05)}), kT0 + 15s);
  ASSERT_EQ(Kinds(out), std::vector{NotificationKind::kResolved});
  EXPECT_EQ(out.notifications[0].starts_at, kT0);
  EXPECT_EQ(out.notifications[0].ends_at, kT0 + 15s);
  EXPECT_TRUE(engine.Active().empty());
  ASSERT_EQ(out.changes.size(), 1u);
  EXPECT_TRUE(out.changes[0].resolved);
}

TEST(EngineTest, HysteresisBandKeepsFiring) {
  // hysteresis 0.1 of threshold 0.2: clear only at or below 0.18.
  AlertEngine engine(TestConfig());
  engine.Evaluate(Eval({DriftFinding(0.25)}), kT0);
  EXPECT_TRUE(engine.Evaluate(Eval({DriftFinding(0.19)}), kT0 + 15s).notifications.empty());
  EXPECT_EQ(engine.Active().size(), 1u);
  EXPECT_EQ(Kinds(engine.Evaluate(Eval({DriftFinding(0.18)}), kT0 + 30s)),
            std::vector{NotificationKind::kResolved});
}

TEST(EngineTest, LowerIsWorseMirrorsTheBand) {
  // A quality floor: failing when AUC < 0.8; clears at >= 0.88.
  auto finding = [](double auc) {
    Finding f;
    f.model = "fraud";
    f.check = Check::kQualityRegression;
    f.subject = "auc";
    f.test = "auc";
    f.statistic = auc;
    f.threshold = 0.8;
    f.failing = auc < 0.8;
    f.samples = 1000;
    return f;
  };
  AlertEngine engine(TestConfig());
  EXPECT_EQ(Kinds(engine.Evaluate(Eval({finding(0.7)}), kT0)), std::vector{NotificationKind::kFiring});
  EXPECT_TRUE(engine.Evaluate(Eval({finding(0.85)}), kT0 + 15s).notifications.empty());
  EXPECT_EQ(Kinds(engine.Evaluate(Eval({finding(0.9)}), kT0 + 30s)),
            std::vector{NotificationKind::kResolved});
}

TEST(EngineTest, ClearAfterNeedsContinuousClear) {
  config::AlertRuleConfig rule;
  rule.clear_after = 1min;
  AlertEngine engine(WithRule("FeatureDrift", rule));
  auto resolved = [&engine](double stat, Duration t) {
    for (const auto& n : engine.Evaluate(Eval({DriftFinding(stat)}), kT0 + t).notifications) {
      if (n.kind == NotificationKind::kResolved) return true;
    }
    return false;
  };
  engine.Evaluate(Eval({DriftFinding(0.5)}), kT0);
  EXPECT_FALSE(resolved(0.0, 15s));
  EXPECT_FALSE(resolved(0.0, 45s));
  EXPECT_FALSE(resolved(0.5, 60s));  // failing again: the clear clock restarts
  EXPECT_FALSE(resolved(0.0, 75s));
  EXPECT_FALSE(resolved(0.0, 120s));
  EXPECT_TRUE(resolved(0.0, 135s));
  EXPECT_TRUE(engine.Active().empty());
}

// A statistic oscillating around its threshold for 10 simulated minutes,
// evaluated every 15 s. `amplitude` relative to the threshold.
int FiringsOverTenMinutes(double amplitude, Duration period, const config::AlertRuleConfig& rule,
                          int* resolves) {
  AlertEngine engine(WithRule("FeatureDrift", rule));
  int firings = 0;
  *resolves = 0;
  for (Duration t = 0s; t <= 10min; t += 15s) {
    // Offset by pi/8 so no sample lands exactly on the threshold.
    const double phase = 2 * std::numbers::pi * ToSeconds(t) / ToSeconds(period) + std::numbers::pi / 8;
    const double stat = 0.2 * (1 + amplitude * std::sin(phase));
    for (const auto& n : engine.Evaluate(Eval({DriftFinding(stat)}), kT0 + t).notifications) {
      firings += n.kind == NotificationKind::kFiring;
      *resolves += n.kind == NotificationKind::kResolved;
    }
  }
  return firings;
}

TEST(EngineTest, OscillationInsideTheBandFiresOnce) {
  // +-5% around the threshold, inside the 10% band: one firing, no resolve,
  // although the raw verdict flips every half period (a flapping source).
  int resolves = 0;
  EXPECT_EQ(FiringsOverTenMinutes(0.05, 1min, config::AlertRuleConfig{}, &resolves), 1);
  EXPECT_EQ(resolves, 0);
}

TEST(EngineTest, OscillationBeyondTheBandFiresAtMostOncePerCycle) {
  // +-30% with a 2-minute period crosses both the threshold (0.2) and the
  // clear line (0.18) every cycle. Cycles start at 0, 2, 4, 6, 8 and 10 min
  // (the last sample at t = 10 min is the first of a sixth): one firing
  // per cycle, each of the first five resolved before the next.
  int resolves = 0;
  EXPECT_EQ(FiringsOverTenMinutes(0.3, 2min, config::AlertRuleConfig{}, &resolves), 6);
  EXPECT_EQ(resolves, 5);
}

TEST(EngineTest, ClearAfterLongerThanHalfPeriodFiresOnce) {
  config::AlertRuleConfig rule;
  rule.clear_after = 2min;
  int resolves = 0;
  EXPECT_EQ(FiringsOverTenMinutes(0.3, 2min, rule, &resolves), 1);
  EXPECT_EQ(resolves, 0);
}

TEST(EngineTest, BelowMinSamplesKeepsState) {
  AlertEngine engine(TestConfig());  // fraud: min_samples 100
  EXPECT_TRUE(engine.Evaluate(Eval({DriftFinding(0.5, 0.2, 99)}), kT0).notifications.empty());
  EXPECT_TRUE(engine.Active().empty());
  engine.Evaluate(Eval({DriftFinding(0.5, 0.2, 100)}), kT0 + 15s);
  ASSERT_EQ(engine.Active().size(), 1u);
  // Too few samples now: no conclusion, so no resolve.
  EXPECT_TRUE(engine.Evaluate(Eval({DriftFinding(0.0, 0.2, 10)}), kT0 + 30s).notifications.empty());
  EXPECT_EQ(engine.Active().size(), 1u);
  Finding unjudged = DriftFinding(0.0);
  unjudged.judged = false;
  EXPECT_TRUE(engine.Evaluate(Eval({unjudged}), kT0 + 45s).notifications.empty());
  EXPECT_EQ(engine.Active().size(), 1u);
}

TEST(EngineTest, DeduplicatesByLabelSet) {
  AlertEngine engine(TestConfig());
  EngineOutput out = engine.Evaluate(
      Eval({DriftFinding(0.5), DriftFinding(0.6), DriftFinding(0.1), DriftFinding(0.7, 0.2, 500, "country")}),
      kT0);
  EXPECT_EQ(out.notifications.size(), 2u);  // amount once, country once
  EXPECT_EQ(engine.Active().size(), 2u);
  // A second evaluation with the same findings adds nothing.
  EXPECT_TRUE(engine.Evaluate(Eval({DriftFinding(0.5), DriftFinding(0.7, 0.2, 500, "country")}), kT0 + 15s)
                  .notifications.empty());
}

TEST(EngineTest, AbsentFindingResolves) {
  AlertEngine engine(TestConfig());
  engine.Evaluate(Eval({DriftFinding(0.5), DriftFinding(0.5, 0.2, 500, "country")}), kT0);
  EngineOutput out = engine.Evaluate(Eval({DriftFinding(0.5)}), kT0 + 15s);
  ASSERT_EQ(Kinds(out), std::vector{NotificationKind::kResolved});
  EXPECT_EQ(out.notifications[0].labels.at("feature"), "country");
  // Another model's evaluation leaves fraud's alerts alone.
  EXPECT_TRUE(engine.Evaluate(Eval({}, "churn"), kT0 + 30s).notifications.empty());
  EXPECT_EQ(engine.Active().size(), 1u);
}

TEST(EngineTest, EvaluationOfOtherChecksLeavesAlertsAlone) {
  // Regression: the monitoring items' evaluation (no drift findings) resolved
  // every firing drift alert of the model.
  AlertEngine engine(TestConfig());
  engine.Evaluate(Eval({DriftFinding(0.5)}), kT0);
  Finding silent = DriftFinding(0.5);
  silent.check = Check::kDataSilent;
  silent.subject.clear();
  silent.failing = false;
  EngineOutput out = engine.Evaluate(Eval({silent}), kT0 + 15s);
  EXPECT_TRUE(out.notifications.empty());
  ASSERT_EQ(engine.Active().size(), 1u);
  EXPECT_EQ(engine.Active()[0].state, AlertState::kFiring);
}

TEST(EngineTest, PerModelOverrideAppliesToThatModelOnly) {
  auto c = TestConfig();
  config::AlertRuleConfig slow;
  slow.for_duration = 10min;
  slow.severity = "critical";
  c->models[0].alerts["FeatureDrift"] = slow;  // fraud only
  AlertEngine engine(c);
  EXPECT_TRUE(engine.Evaluate(Eval({DriftFinding(0.5)}), kT0).notifications.empty());
  Finding churn = DriftFinding(0.5, 0.2, 500);
  churn.model = "churn";
  EngineOutput out = engine.Evaluate(Eval({churn}, "churn"), kT0);
  ASSERT_EQ(out.notifications.size(), 1u);
  EXPECT_EQ(out.notifications[0].labels.at("severity"), "warning");
  out = engine.Evaluate(Eval({DriftFinding(0.5)}), kT0 + 10min);
  ASSERT_EQ(out.notifications.size(), 1u);
  EXPECT_EQ(out.notifications[0].labels.at("severity"), "critical");
}

TEST(EngineTest, DisabledRuleIgnoresFindings) {
  config::AlertRuleConfig off;
  off.enabled = false;
  AlertEngine engine(WithRule("FeatureDrift", off));
  EXPECT_TRUE(engine.Evaluate(Eval({DriftFinding(0.9)}), kT0).notifications.empty());
  EXPECT_TRUE(engine.Active().empty());
}

TEST(EngineTest, ReconfigureResolvesAlertsOfRemovedModelsAndDisabledRules) {
  auto c = TestConfig();
  AlertEngine engine(c);
  Finding churn = DriftFinding(0.5);
  churn.model = "churn";
  engine.Evaluate(Eval({DriftFinding(0.5)}), kT0);
  engine.Evaluate(Eval({churn}, "churn"), kT0);
  auto next = std::make_shared<config::Config>(*c);
  next->models.pop_back();  // churn removed
  EngineOutput out = engine.Reconfigure(next, kT0 + 1s);
  ASSERT_EQ(Kinds(out), std::vector{NotificationKind::kResolved});
  EXPECT_EQ(out.notifications[0].labels.at("model"), "churn");
  auto disabled = std::make_shared<config::Config>(*next);
  disabled->alerts.rules["FeatureDrift"].enabled = false;
  EXPECT_EQ(Kinds(engine.Reconfigure(disabled, kT0 + 2s)), std::vector{NotificationKind::kResolved});
  EXPECT_TRUE(engine.Active().empty());
}

TEST(EngineTest, FiringCountsGoBackToZero) {
  AlertEngine engine(TestConfig());
  engine.Evaluate(Eval({DriftFinding(0.5), DriftFinding(0.5, 0.2, 500, "country")}), kT0);
  auto counts = engine.FiringCounts();
  EXPECT_EQ((counts[{"FeatureDrift", "fraud"}]), 2);
  engine.Evaluate(Eval({DriftFinding(0.0), DriftFinding(0.0, 0.2, 500, "country")}), kT0 + 15s);
  counts = engine.FiringCounts();
  ASSERT_EQ(counts.count({"FeatureDrift", "fraud"}), 1u);
  EXPECT_EQ((counts[{"FeatureDrift", "fraud"}]), 0);
}

TEST(EngineTest, NotFailingOnTheFarSideClearsWhenVerdictRestsElsewhere) {
  // A p-value test may say "not drifted" with the statistic above the
  // threshold; the detector's verdict wins so the alert cannot wedge.
  AlertEngine engine(TestConfig());
  engine.Evaluate(Eval({DriftFinding(0.5)}), kT0);
  Finding f = DriftFinding(0.5);
  f.failing = false;
  EXPECT_EQ(Kinds(engine.Evaluate(Eval({f}), kT0 + 15s)), std::vector{NotificationKind::kResolved});
}

}  // namespace
}  // namespace driftd::alerts
