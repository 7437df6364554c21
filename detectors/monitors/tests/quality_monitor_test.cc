// M7: prediction quality has not regressed, through the label join.
#include "detectors/monitors/quality_monitor.h"

#include <gtest/gtest.h>

#include <vector>

#include "detectors/monitors/model_monitors.h"
#include "detectors/monitors/quality_metrics.h"
#include "monitor_test_util.h"

namespace driftd::detectors {
namespace {

using namespace testutil;

config::ModelConfig QualityModel(const std::string& metric) {
  config::ModelConfig m = BaseModel();
  config::PredictionConfig p;
  m.prediction = p;
  config::QualityConfig q;
  q.metric = metric;
  q.min = 0.8;
  q.max_drop = 0.1;
  q.label_timeout = std::chrono::hours(48);
  m.quality = q;
  m.reference.type = config::ReferenceType::kFirst;
  m.reference.events = 100;
  return m;
}

// 100 predictions whose score is right for `good` of them, labels one hour later.
void Batch(ModelMonitors& m, testing::FakeClock& clock, int first_id, int good, std::vector<int>* y,
           std::vector<double>* s) {
  for (int i = 0; i < 100; ++i) {
    const int label = i % 2;
    const double score = i < good ? (label == 1 ? 0.8 : 0.2) : (label == 1 ? 0.3 : 0.6);
    m.Observe(Prediction(clock.Now(), score, {}, "id" + std::to_string(first_id + i)));
    y->push_back(label);
    s->push_back(score);
  }
  clock.Advance(1h);
  for (int i = 0; i < 100; ++i)
    m.Observe(Label(clock.Now(), "id" + std::to_string(first_id + i), Value(i % 2 * 1.0)));
}

TEST(QualityMonitorTest, AccuracyFloorAndReferenceDrop) {
  testing::FakeClock clock;
  ModelMonitors m(QualityModel("accuracy"), clock.Now());
  std::vector<int> y;
  std::vector<double> s;
  Batch(m, clock, 0, 95, &y, &s);
  auto findings = m.Evaluate(clock.Now());
  const Finding* floor = One(findings, Check::kQualityRegression, "accuracy", "floor");
  ASSERT_NE(floor, nullptr);
  EXPECT_DOUBLE_EQ(floor->statistic, 0.95);
  EXPECT_FALSE(floor->failing);
  // Two hours on, a worse batch: 70% right.
  clock.Advance(2h);
  y.clear();
  s.clear();
  Batch(m, clock, 1000, 70, &y, &s);
  findings = m.Evaluate(clock.Now());
  floor = One(findings, Check::kQualityRegression, "accuracy", "floor");
  ASSERT_NE(floor, nullptr);
  std::vector<int> pred;
  for (double v : s) pred.push_back(v >= 0.5 ? 1 : 0);
  EXPECT_DOUBLE_EQ(floor->statistic, Accuracy(y, pred));
  EXPECT_TRUE(floor->failing);
  const Finding* drop = One(findings, Check::kQualityRegression, "accuracy", "drop");
  ASSERT_NE(drop, nullptr);
  EXPECT_TRUE(drop->judged);
  EXPECT_NEAR(drop->statistic, 0.95 - 0.70, 1e-12);
  EXPECT_TRUE(drop->failing);
  EXPECT_EQ(drop->reference_samples, 100u);
}

TEST(QualityMonitorTest, WindowMetricsMatchThePlainFunctions) {
  testing::FakeClock clock;
  ModelMonitors m(QualityModel("auc"), clock.Now());
  std::vector<int> y;
  std::vector<double> s;
  Batch(m, clock, 0, 80, &y, &s);
  m.Evaluate(clock.Now());
  std::vector<int> pred;
  for (double v : s) pred.push_back(v >= 0.5 ? 1 : 0);
  const auto snap = m.Snapshot(clock.Now());
  std::map<std::string, double> got(snap.quality.begin(), snap.quality.end());
  EXPECT_DOUBLE_EQ(got.at("accuracy"), Accuracy(y, pred));
  EXPECT_DOUBLE_EQ(got.at("precision"), Precision(y, pred));
  EXPECT_DOUBLE_EQ(got.at("recall"), Recall(y, pred));
  EXPECT_DOUBLE_EQ(got.at("auc"), *RocAuc(y, s));
  EXPECT_NEAR(got.at("logloss"), LogLoss(y, s), 1e-12);
}

TEST(QualityMonitorTest, LateEarlyDuplicateAndMissingLabels) {
  testing::FakeClock clock;
  ModelMonitors m(QualityModel("accuracy"), clock.Now());
  // Early: the label comes first.
  m.Observe(Label(clock.Now(), "early", Value(1.0)));
  m.Observe(Prediction(clock.Now() + 1s, 0.9, {}, "early"));
  // Late: the label 30 hours after.
  m.Observe(Prediction(clock.Now(), 0.1, {}, "late"));
  // Never: no label.
  m.Observe(Prediction(clock.Now(), 0.7, {}, "never"));
  clock.Advance(30h);
  m.Observe(Label(clock.Now(), "late", Value(0.0)));
  m.Observe(Label(clock.Now(), "late", Value(0.0)));  // duplicate
  m.Observe(Label(clock.Now(), "odd", Value(std::string("maybe"))));
  clock.Advance(20h);
  m.Evaluate(clock.Now());
  EXPECT_EQ(m.quality().join().counters().expired_predictions, 0u)
      << "expiry is in event time: the clock alone does not expire";
  m.Observe(Prediction(clock.Now(), 0.5, {}, "later"));  // the stream moves on
  const auto& c = m.quality().join().counters();
  EXPECT_EQ(c.joined, 2u);
  EXPECT_EQ(c.early_labels, 2u) << "'early' and the never-matched 'odd'";
  EXPECT_EQ(c.duplicate_labels, 1u);
  EXPECT_EQ(c.expired_predictions, 1u) << "'never' is label_timeout behind the newest event";
  EXPECT_EQ(m.quality().join().pending_predictions(), 1u) << "only 'later' waits";
  clock.Advance(30h);
  m.Observe(Prediction(clock.Now(), 0.5, {}, "latest"));
  EXPECT_EQ(m.quality().join().counters().orphaned_labels, 1u);
}

// Regression: replaying a backlog (event time far behind the clock) expired
// predictions on the clock before their labels, later in the file, were read.
TEST(QualityMonitorTest, LaggingStreamKeepsPredictionsForBackloggedLabels) {
  testing::FakeClock clock;
  ModelMonitors m(QualityModel("accuracy"), clock.Now());
  const Timestamp past = clock.Now() - std::chrono::hours(24 * 100);
  m.Observe(Prediction(past, 0.9, {}, "old"));
  m.Evaluate(clock.Now());  // the clock is 100 days ahead of the stream
  m.Observe(Label(past + std::chrono::hours(24), "old", Value(1.0)));
  EXPECT_EQ(m.quality().join().counters().joined, 1u);
  EXPECT_EQ(m.quality().join().counters().expired_predictions, 0u);
}

TEST(QualityMonitorTest, UnreadableLabelIsCountedAsUnusable) {
  testing::FakeClock clock;
  ModelMonitors m(QualityModel("accuracy"), clock.Now());
  m.Observe(Prediction(clock.Now(), 0.9, {}, "a"));
  m.Observe(Label(clock.Now(), "a", Value(std::string("maybe"))));
  EXPECT_EQ(m.quality().unusable_labels(), 1u);
  EXPECT_EQ(m.quality().join().counters().joined, 1u);
}

TEST(QualityMonitorTest, RegressorMaeCeiling) {
  config::ModelConfig model = BaseModel();
  config::PredictionConfig p;
  p.type = config::PredictionType::kRegression;
  model.prediction = p;
  config::QualityConfig q;
  q.metric = "mae";
  q.max = 1.0;
  model.quality = q;
  testing::FakeClock clock;
  ModelMonitors m(model, clock.Now());
  std::vector<double> y, yhat;
  for (int i = 0; i < 20; ++i) {
    const double truth = i, guess = i + (i % 3) * 0.9;
    y.push_back(truth);
    yhat.push_back(guess);
    m.Observe(Prediction(clock.Now(), guess, {}, "r" + std::to_string(i)));
    m.Observe(Label(clock.Now(), "r" + std::to_string(i), Value(truth)));
  }
  const auto findings = m.Evaluate(clock.Now());
  const Finding* mae = One(findings, Check::kQualityRegression, "mae", "ceiling");
  ASSERT_NE(mae, nullptr);
  EXPECT_DOUBLE_EQ(mae->statistic, MeanAbsoluteError(y, yhat));
  EXPECT_FALSE(mae->failing);
  const auto snap = m.Snapshot(clock.Now());
  std::map<std::string, double> got(snap.quality.begin(), snap.quality.end());
  EXPECT_DOUBLE_EQ(got.at("rmse"), RootMeanSquaredError(y, yhat));
}

}  // namespace
}  // namespace driftd::detectors
