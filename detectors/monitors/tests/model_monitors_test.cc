// The facade: configured items, the scorecard, and checkpoints.
#include "detectors/monitors/model_monitors.h"

#include <gtest/gtest.h>

#include "monitor_test_util.h"

namespace driftd::detectors {
namespace {

using namespace testutil;

config::ModelConfig FullModel() {
  config::ModelConfig m = BaseModel();
  config::FeatureConfig amount = NumericFeature("amount");
  amount.min = 0;
  m.features = {amount, CategoricalFeature("country", {"DE", "FR"})};
  m.max_silence = 5min;
  config::PredictionConfig p;
  p.min = 0;
  p.max = 1;
  m.prediction = p;
  config::QualityConfig q;
  q.metric = "auc";
  q.min = 0.6;
  m.quality = q;
  config::LatencyConfig l;
  l.p99_max = 50ms;
  m.latency = l;
  return m;
}

void Feed(ModelMonitors& m, testing::FakeClock& clock, int n, double latency_ms) {
  for (int i = 0; i < n; ++i) {
    const std::string id = "r" + std::to_string(i);
    const double score = (i % 10) / 10.0;
    m.Observe(Prediction(clock.Now(), score,
                         {{"amount", 1.0 * i}, {"country", std::string(i % 2 ? "DE" : "FR")}}, id,
                         latency_ms));
    m.Observe(Label(clock.Now(), id, Value(score >= 0.5 ? 1.0 : 0.0)));
    clock.Advance(1s);
  }
}

TEST(ModelMonitorsTest, MinimalModelScoresOnlyWhatIsAutomated) {
  testing::FakeClock clock;
  ModelMonitors m(BaseModel(), clock.Now());
  m.Evaluate(clock.Now());
  const ModelScorecard card = m.Scorecard();
  EXPECT_EQ(card.score, 1) << "M1 only: nothing else is configured";
  EXPECT_EQ(card.items[0].status, ItemStatus::kOk);
  for (int i = 1; i < kItemCount; ++i)
    EXPECT_EQ(card.items[i].status, ItemStatus::kNotConfigured) << ItemName(i);
}

TEST(ModelMonitorsTest, FullModelScorecardAllOk) {
  testing::FakeClock clock;
  ModelMonitors m(FullModel(), clock.Now());
  Feed(m, clock, 200, 10.0);
  m.Evaluate(clock.Now());
  const ModelScorecard card = m.Scorecard();
  EXPECT_EQ(card.score, 7);
  for (const ScorecardItem& item : card.items) {
    EXPECT_EQ(item.status, ItemStatus::kOk) << item.item;
    if (item.item != "M3") {
      EXPECT_FALSE(item.checks.empty()) << item.item;
    }
  }
  EXPECT_EQ(card.items[6].item, "M7");
  EXPECT_TRUE(card.items[6].judged);
  ASSERT_TRUE(card.items[3].last_evaluated.has_value());
  EXPECT_EQ(*card.items[3].last_evaluated, clock.Now());
}

TEST(ModelMonitorsTest, ScorecardFailsTheItemOfAFailingCheck) {
  testing::FakeClock clock;
  ModelMonitors m(FullModel(), clock.Now());
  Feed(m, clock, 200, 80.0);  // p99 80 ms > 50 ms
  clock.Advance(6min);        // silent past max_silence
  m.Evaluate(clock.Now());
  // The drift evaluator reports a drifted feature (M3) and prediction (M7).
  Finding drift;
  drift.model = "fraud";
  drift.check = Check::kFeatureDrift;
  drift.subject = "amount";
  drift.failing = true;
  drift.evaluated_at = clock.Now();
  Finding ok_pred = drift;
  ok_pred.check = Check::kPredictionDrift;
  ok_pred.subject = "prediction";
  ok_pred.failing = false;
  const std::vector<Finding> evaluator = {drift, ok_pred};
  const ModelScorecard card = m.Scorecard(evaluator);
  EXPECT_EQ(card.items[2].status, ItemStatus::kFailing);  // M3
  EXPECT_EQ(card.items[3].status, ItemStatus::kFailing);  // M4 silence
  EXPECT_EQ(card.items[5].status, ItemStatus::kFailing);  // M6 p99
  EXPECT_EQ(card.items[6].status, ItemStatus::kOk);       // M7: auc fine, prediction drift clear
  bool saw_prediction_drift = false;
  for (const Finding& f : card.items[6].checks)
    saw_prediction_drift |= f.check == Check::kPredictionDrift;
  EXPECT_TRUE(saw_prediction_drift);
  const auto snap = m.Snapshot(clock.Now());
  EXPECT_EQ(snap.score, 7);
  int failing = 0;
  for (const auto& [item, v] : snap.items) failing += v == 0 ? 1 : 0;
  EXPECT_EQ(failing, 2) << "the snapshot has no drift findings: M4 and M6";
}

TEST(ModelMonitorsTest, DependencyChangeKeepsM1Ok) {
  testing::FakeClock clock;
  ModelMonitors m(FullModel(), clock.Now());
  m.Observe(ModelEvent(clock.Now(), "v1"));
  m.Observe(ModelEvent(clock.Now(), "v2"));
  m.Evaluate(clock.Now());
  const ModelScorecard card = m.Scorecard();
  EXPECT_EQ(card.items[0].status, ItemStatus::kOk);
  ASSERT_EQ(card.changes.size(), 1u);
  EXPECT_EQ(card.version, "v2");
}

TEST(ModelMonitorsTest, CheckpointRoundTripContinuesIdentically) {
  testing::FakeClock clock;
  const Timestamp start = clock.Now();
  ModelMonitors a(FullModel(), start);
  Feed(a, clock, 150, 20.0);
  a.Observe(Prediction(clock.Now(), 0.4, {}, "pending"));
  std::string state;
  a.AppendTo(&state);
  ModelMonitors b(FullModel(), start);
  std::string_view in(state);
  ASSERT_TRUE(b.ParseFrom(&in));
  EXPECT_TRUE(in.empty());
  // Both continue with the same traffic and must agree on everything.
  for (ModelMonitors* m : {&a, &b}) m->Observe(Label(clock.Now(), "pending", Value(0.0)));
  clock.Advance(10min);
  const auto fa = a.Evaluate(clock.Now());
  const auto fb = b.Evaluate(clock.Now());
  ASSERT_EQ(fa.size(), fb.size());
  for (std::size_t i = 0; i < fa.size(); ++i) {
    EXPECT_EQ(fa[i].subject, fb[i].subject);
    EXPECT_EQ(fa[i].test, fb[i].test);
    EXPECT_EQ(fa[i].statistic, fb[i].statistic) << fa[i].subject << " " << fa[i].test;
    EXPECT_EQ(fa[i].failing, fb[i].failing);
    EXPECT_EQ(fa[i].samples, fb[i].samples);
  }
  EXPECT_EQ(a.quality().join().counters(), b.quality().join().counters());
  EXPECT_EQ(b.quality().join().counters().joined, 151u);
}

TEST(ModelMonitorsTest, CheckpointOfAnotherShapeIsRefused) {
  testing::FakeClock clock;
  ModelMonitors a(FullModel(), clock.Now());
  std::string state;
  a.AppendTo(&state);
  config::ModelConfig other = FullModel();
  other.features.push_back(NumericFeature("age"));
  ModelMonitors b(other, clock.Now());
  std::string_view in(state);
  EXPECT_FALSE(b.ParseFrom(&in));
  // Truncated state is refused too.
  ModelMonitors c(FullModel(), clock.Now());
  std::string_view cut(state.data(), state.size() / 2);
  EXPECT_FALSE(c.ParseFrom(&cut));
}

}  // namespace
}  // namespace driftd::detectors
