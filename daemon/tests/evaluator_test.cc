#include "daemon/evaluator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <thread>

#include "daemon/drift_judge.h"
#include "daemon/status_json.h"
#include "daemon/tests/eval_test_util.h"

namespace driftd {
namespace {

using eval_testing::BasicModel;
using eval_testing::ConfigOf;
using eval_testing::PipelineFixture;
using eval_testing::Prediction;

class RecordingProbe : public EvaluationProbe {
 public:
  void ModelEvaluated(const ModelDrift& drift) override { evaluated.push_back(drift); }
  void RetainDriftModels(const std::vector<std::string>& models) override { retained = models; }
  void ObserveEvaluationDuration(double seconds) override { durations.push_back(seconds); }
  std::vector<ModelDrift> evaluated;
  std::vector<std::string> retained;
  std::vector<double> durations;
};

// Model "m": numeric x and y, categorical c; the first 500 events are the
// reference. min_samples 100.
config::ModelConfig ShiftModel() {
  config::ModelConfig m = BasicModel(500);
  m.features = {eval_testing::Numeric("x"), eval_testing::Numeric("y"), eval_testing::Categorical("c")};
  m.min_samples = 100;
  return m;
}

// 500 reference events, then `shifted` events where x ~ N(shift, 1) while
// y ~ N(0, 1) and c uniform over {a, b, c} stay as they were.
void FeedShiftedStream(PipelineFixture& f, int shifted, double shift) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  const char* categories[] = {"a", "b", "c"};
  for (int i = 0; i < 500 + shifted; ++i) {
    const double x = normal(rng) + (i >= 500 ? shift : 0.0);
    const double y = normal(rng);
    const char* c = categories[rng() % 3];
    f.Feed(Prediction(0.1 * i, "\"x\": " + std::to_string(x) + ", \"y\": " + std::to_string(y) +
                                   ", \"c\": \"" + c + "\""));
  }
}

const ColumnDrift* Column(const ModelDrift& d, const std::string& name) {
  for (const auto& c : d.columns) {
    if (c.column == name) return &c;
  }
  return nullptr;
}

class EvaluatorTest : public ::testing::Test {
 protected:
  EvaluatorTest() : f_(ConfigOf({ShiftModel()})), evaluator_(probe_, f_.log()) {
    evaluator_.AddListener([this](const ModelEvaluation& e) { heard_.push_back(e); });
  }
  PipelineFixture f_;
  RecordingProbe probe_;
  Evaluator evaluator_;
  std::vector<ModelEvaluation> heard_;
};

TEST_F(EvaluatorTest, AShiftedFeatureDriftsAndTheOthersDoNot) {
  FeedShiftedStream(f_, 1000, 1.0);
  evaluator_.Evaluate(*f_.pipeline().SnapshotWindows());

  ASSERT_EQ(probe_.evaluated.size(), 1u);
  const ModelDrift& d = probe_.evaluated[0];
  EXPECT_EQ(d.not_judged_reason, "");
  ASSERT_EQ(d.columns.size(), 3u);
  const ColumnDrift* x = Column(d, "x");
  const ColumnDrift* y = Column(d, "y");
  const ColumnDrift* c = Column(d, "c");
  ASSERT_TRUE(x && y && c);
  for (const ColumnDrift* col : {x, y, c}) {
    EXPECT_TRUE(col->judged) << col->column << ": " << col->note;
    EXPECT_EQ(col->reference_samples, 500u);
    EXPECT_EQ(col->samples, 1500u);
    EXPECT_EQ(col->mode, "exact");
  }
  EXPECT_TRUE(x->drifted);
  EXPECT_FALSE(y->drifted);
  EXPECT_FALSE(c->drifted);
  // A reference of at most 1000 values: KS for numeric, chi-square for the
  // categorical column (Evidently's rule, detectors/drift/drift.h).
  EXPECT_EQ(x->test, "ks");
  EXPECT_EQ(c->test, "chisquare");
  ASSERT_TRUE(x->p_value.has_value());
  EXPECT_LT(*x->p_value, 0.05);
  EXPECT_EQ(d.judged_features, 3u);
  EXPECT_DOUBLE_EQ(d.dataset_drift_share, 1.0 / 3.0);
  EXPECT_FALSE(d.dataset_drift);  // below the default share of 0.5
  EXPECT_EQ(d.current_samples, 1500u);
  EXPECT_EQ(d.reference_samples, 500u);
  EXPECT_EQ(probe_.retained, (std::vector<std::string>{"m"}));
  EXPECT_EQ(probe_.durations.size(), 1u);

  auto status = evaluator_.Status();
  EXPECT_EQ(status->evaluations, 1u);
  ASSERT_EQ(status->models.size(), 1u);
  EXPECT_TRUE(status->last_evaluation.has_value());
}

TEST_F(EvaluatorTest, ListenersGetOneFindingPerFeatureAndOneForTheDataset) {
  FeedShiftedStream(f_, 1000, 1.0);
  evaluator_.Evaluate(*f_.pipeline().SnapshotWindows());
  ASSERT_EQ(heard_.size(), 1u);
  const ModelEvaluation& e = heard_[0];
  EXPECT_EQ(e.model, "m");
  ASSERT_EQ(e.findings.size(), 4u);
  int features = 0;
  for (const Finding& finding : e.findings) {
    if (finding.check == Check::kFeatureDrift) {
      ++features;
      EXPECT_TRUE(finding.judged);
      EXPECT_EQ(finding.failing, finding.subject == "x") << finding.subject;
      EXPECT_EQ(finding.window, std::chrono::hours(1));
      if (finding.subject == "x") {
        // p-value test: the number compared with the threshold is the
        // (adjusted) p-value, below the threshold when failing.
        EXPECT_LT(finding.statistic, finding.threshold);
        EXPECT_EQ(finding.test, "ks");
      }
    } else {
      EXPECT_EQ(finding.check, Check::kDatasetDrift);
      EXPECT_FALSE(finding.failing);
      EXPECT_DOUBLE_EQ(finding.statistic, 1.0 / 3.0);
      EXPECT_DOUBLE_EQ(finding.threshold, 0.5);
    }
  }
  EXPECT_EQ(features, 3);
}

TEST_F(EvaluatorTest, NothingIsJudgedWhileTheReferenceFills) {
  for (int i = 0; i < 200; ++i) f_.Feed(Prediction(i, R"("x": 1, "y": 2, "c": "a")"));
  evaluator_.Evaluate(*f_.pipeline().SnapshotWindows());
  ASSERT_EQ(probe_.evaluated.size(), 1u);
  const ModelDrift& d = probe_.evaluated[0];
  EXPECT_NE(d.not_judged_reason.find("200 of 500"), std::string::npos) << d.not_judged_reason;
  EXPECT_EQ(d.judged_features, 0u);
  for (const auto& c : d.columns) {
    EXPECT_FALSE(c.judged);
    EXPECT_FALSE(c.drifted);
    EXPECT_EQ(c.samples, 200u);
  }
  ASSERT_EQ(heard_.size(), 1u);
  for (const Finding& finding : heard_[0].findings) EXPECT_FALSE(finding.judged);
}

TEST_F(EvaluatorTest, SubmittedSnapshotsAreEvaluatedOnTheEvaluatorThread) {
  FeedShiftedStream(f_, 600, 1.0);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread::id listener_thread;
  Evaluator evaluator(probe_, f_.log());
  evaluator.AddListener([&](const ModelEvaluation&) {
    std::lock_guard lock(mu);
    listener_thread = std::this_thread::get_id();
    done = true;
    cv.notify_all();
  });
  evaluator.Start();
  evaluator.Submit(f_.pipeline().SnapshotWindows());
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return done; }));
  }
  evaluator.Stop();
  EXPECT_NE(listener_thread, std::this_thread::get_id());
  EXPECT_EQ(evaluator.Status()->evaluations, 1u);
}

TEST_F(EvaluatorTest, StatusJsonCarriesTheDriftOfEachModel) {
  FeedShiftedStream(f_, 1000, 1.0);
  evaluator_.Evaluate(*f_.pipeline().SnapshotWindows());
  f_.pipeline().Publish();
  const std::string json =
      StatusJson(DaemonInfo{}, *f_.pipeline().Status(), *evaluator_.Status(), Timestamp{});
  EXPECT_NE(json.find(R"("drift":{"evaluated_at")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("feature":"x","prediction":false,"test":"ks")"), std::string::npos);
  EXPECT_NE(json.find(R"("dataset_drift_share":)"), std::string::npos);
  EXPECT_NE(json.find(R"("current_events":1500)"), std::string::npos);
  EXPECT_NE(json.find(R"("evaluations":1)"), std::string::npos);
}

// Three models (m, n, o) of ShiftModel's shape, each fed FeedShiftedStream's
// events under its own name (x shifted by 1 after the reference).
class SlicedRoundTest : public ::testing::Test {
 protected:
  static config::ModelConfig Named(const std::string& name) {
    config::ModelConfig m = ShiftModel();
    m.name = name;
    return m;
  }
  SlicedRoundTest() : f_(ConfigOf({Named("m"), Named("n"), Named("o")})) {
    for (const char* name : {"m", "n", "o"}) {
      PipelineFixture one(ConfigOf({ShiftModel()}));
      std::mt19937_64 rng(7);
      std::normal_distribution<double> normal(0.0, 1.0);
      for (int i = 0; i < 1500; ++i) {
        const double x = normal(rng) + (i >= 500 ? 1.0 : 0.0);
        std::string line = Prediction(0.1 * i, "\"x\": " + std::to_string(x) + ", \"y\": " +
                                                   std::to_string(normal(rng)) + ", \"c\": \"a\"");
        line.replace(line.find(R"("model": "m")"), 12, std::string(R"("model": ")") + name + "\"");
        f_.Feed(line);
      }
    }
  }
  PipelineFixture f_;
};

TEST_F(SlicedRoundTest, SnapshotModelsTakesModelsUntilTheBudgetIsReached) {
  const Pipeline& p = f_.pipeline();
  const auto config = p.config();
  const Timestamp t{};
  EXPECT_EQ(p.SnapshotModels(config, 0, SIZE_MAX, t).size(), 3u);
  // A budget of one byte still takes one model: a slice is never empty.
  const auto one = p.SnapshotModels(config, 1, 1, t);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].model, "n");
  ASSERT_TRUE(one[0].current);
  // The budget is checked after each model: two models of this size pass a
  // budget one byte larger than the first's summaries.
  const std::size_t first_bytes = one[0].current->MemoryBytes() + one[0].reference->MemoryBytes();
  EXPECT_EQ(p.SnapshotModels(config, 0, first_bytes + 1, t).size(), 2u);
  EXPECT_TRUE(p.SnapshotModels(config, 3, SIZE_MAX, t).empty());
  // Another config (a reload happened): the round is stale.
  const auto reloaded = ConfigOf({Named("m"), Named("n"), Named("o")});
  EXPECT_TRUE(p.SnapshotModels(reloaded, 0, SIZE_MAX, t).empty());
}

TEST_F(SlicedRoundTest, ASlicedRoundJudgesLikeOneSnapshotOfAllModels) {
  RecordingProbe whole_probe;
  Evaluator whole(whole_probe, f_.log());
  whole.Evaluate(*f_.pipeline().SnapshotWindows());

  RecordingProbe sliced_probe;
  Evaluator sliced(sliced_probe, f_.log());
  std::vector<ModelEvaluation> heard;
  sliced.AddListener([&](const ModelEvaluation& e) { heard.push_back(e); });
  EvaluationRound round;
  round.config = f_.pipeline().config();
  round.first = f_.pipeline().SnapshotModels(round.config, 0, 1, round.taken_at);
  std::vector<std::size_t> fetched;
  // By value: `round` itself is moved into Evaluate.
  round.more = [&fetched, this, config = round.config](std::size_t index, const std::atomic<bool>&) {
    fetched.push_back(index);
    return f_.pipeline().SnapshotModels(config, index, 1, Timestamp{});
  };
  ASSERT_TRUE(sliced.Evaluate(std::move(round)));

  EXPECT_EQ(fetched, (std::vector<std::size_t>{1, 2}));
  ASSERT_EQ(sliced_probe.evaluated.size(), 3u);
  ASSERT_EQ(whole_probe.evaluated.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const ModelDrift& a = whole_probe.evaluated[i];
    const ModelDrift& b = sliced_probe.evaluated[i];
    EXPECT_EQ(a.model, b.model);
    ASSERT_EQ(a.columns.size(), b.columns.size());
    for (std::size_t c = 0; c < a.columns.size(); ++c) {
      EXPECT_EQ(a.columns[c].statistic, b.columns[c].statistic) << a.model << " " << a.columns[c].column;
      EXPECT_EQ(a.columns[c].drifted, b.columns[c].drifted);
    }
    EXPECT_TRUE(Column(b, "x")->drifted) << b.model;
  }
  EXPECT_EQ(sliced_probe.retained, (std::vector<std::string>{"m", "n", "o"}));
  EXPECT_EQ(heard.size(), 3u);
  EXPECT_EQ(sliced.Status()->evaluations, 1u);
}

TEST_F(SlicedRoundTest, ARoundThatCannotFetchPublishesNothing) {
  RecordingProbe probe;
  Evaluator evaluator(probe, f_.log());
  int heard = 0;
  evaluator.AddListener([&](const ModelEvaluation&) { ++heard; });
  EvaluationRound round;
  round.config = f_.pipeline().config();
  round.first = f_.pipeline().SnapshotModels(round.config, 0, 1, round.taken_at);
  round.more = [](std::size_t, const std::atomic<bool>&) { return std::vector<ModelWindowSnapshot>{}; };
  EXPECT_FALSE(evaluator.Evaluate(std::move(round)));
  EXPECT_TRUE(probe.evaluated.empty());
  EXPECT_TRUE(probe.durations.empty());
  EXPECT_EQ(heard, 0);
  EXPECT_EQ(evaluator.Status()->evaluations, 0u);
  EXPECT_FALSE(evaluator.Status()->last_evaluation.has_value());
}

// On the evaluator thread an abandoned round counts as skipped, and the
// thread goes on with the next round.
TEST_F(SlicedRoundTest, AnAbandonedSubmittedRoundIsCountedAsSkipped) {
  RecordingProbe probe;
  Evaluator evaluator(probe, f_.log());
  std::mutex mu;
  std::condition_variable cv;
  int heard = 0;
  evaluator.AddListener([&](const ModelEvaluation&) {
    std::lock_guard lock(mu);
    ++heard;
    cv.notify_all();
  });
  evaluator.Start();
  EvaluationRound round;
  round.config = f_.pipeline().config();
  round.first = f_.pipeline().SnapshotModels(round.config, 0, 1, round.taken_at);
  round.more = [](std::size_t, const std::atomic<bool>&) { return std::vector<ModelWindowSnapshot>{}; };
  evaluator.Submit(std::move(round));
  evaluator.Submit(f_.pipeline().SnapshotWindows());
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return heard == 3; }));
  }
  evaluator.Stop();
  const auto status = evaluator.Status();
  EXPECT_EQ(status->evaluations, 1u);
  // Either the first round was abandoned, or the second replaced it before
  // the thread took it: skipped once either way.
  EXPECT_EQ(status->skipped, 1u);
}

TEST(DriftJudgeTest, PredictionIsJudgedApartFromTheDatasetShare) {
  config::ModelConfig m = ShiftModel();
  m.prediction = config::PredictionConfig{};
  PipelineFixture f(ConfigOf({m}));
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (int i = 0; i < 1500; ++i) {
    // Only the score moves.
    const double score = 0.3 + 0.05 * normal(rng) + (i >= 500 ? 0.2 : 0.0);
    f.Feed(Prediction(0.1 * i,
                      "\"x\": " + std::to_string(normal(rng)) + ", \"y\": " + std::to_string(normal(rng)) +
                          R"(, "c": "a")",
                      ", \"prediction\": " + std::to_string(score)));
  }
  auto snapshot = f.pipeline().SnapshotWindows();
  Judgement j = JudgeModel(m, snapshot->models[0]);
  const ColumnDrift* p = Column(j.drift, "prediction");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->is_prediction);
  EXPECT_TRUE(p->drifted);
  EXPECT_EQ(j.drift.judged_features, 3u);  // x, y, c; not the prediction
  EXPECT_DOUBLE_EQ(j.drift.dataset_drift_share, 0.0);
  int predictions = 0;
  for (const Finding& finding : j.evaluation.findings) {
    if (finding.check == Check::kPredictionDrift) {
      ++predictions;
      EXPECT_EQ(finding.subject, "prediction");
      EXPECT_TRUE(finding.failing);
    }
  }
  EXPECT_EQ(predictions, 1);
}

}  // namespace
}  // namespace driftd
