// Thresholds calibrated on reference chunks in the daemon: the first-N
// calibrator, its checkpoint encoding, a baseline profile's thresholds and
// prediction, and the judge applying them.
#include "daemon/calibration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>

#include "daemon/baseline.h"
#include "daemon/drift_judge.h"
#include "daemon/tests/eval_test_util.h"
#include "detectors/drift/profile.h"

namespace driftd {
namespace {

using detectors::FeatureKind;
using eval_testing::BasicModel;
using eval_testing::ConfigOf;
using eval_testing::PipelineFixture;
using eval_testing::Prediction;

// Independent oracles, straight from the definitions (not driftd's code).
// W1 of two samples: the integral of |F_a - F_b| over the merged support.
double W1(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<double> all = a;
  all.insert(all.end(), b.begin(), b.end());
  std::sort(all.begin(), all.end());
  double sum = 0.0;
  for (std::size_t k = 0; k + 1 < all.size(); ++k) {
    const double fa = static_cast<double>(std::upper_bound(a.begin(), a.end(), all[k]) - a.begin()) / a.size();
    const double fb = static_cast<double>(std::upper_bound(b.begin(), b.end(), all[k]) - b.begin()) / b.size();
    sum += std::abs(fa - fb) * (all[k + 1] - all[k]);
  }
  return sum;
}

// Jensen-Shannon distance in base 2 of two category count tables
// (scipy.spatial.distance.jensenshannon(p, q, base=2)).
double Js2(const std::map<std::string, double>& p, const std::map<std::string, double>& q) {
  std::map<std::string, std::pair<double, double>> both;
  double np = 0.0, nq = 0.0;
  for (const auto& [k, v] : p) both[k].first = v, np += v;
  for (const auto& [k, v] : q) both[k].second = v, nq += v;
  double d = 0.0;
  for (const auto& [k, pq] : both) {
    const double a = pq.first / np, b = pq.second / nq, m = (a + b) / 2;
    if (a > 0) d += a * std::log2(a / m) / 2;
    if (b > 0) d += b * std::log2(b / m) / 2;
  }
  return std::sqrt(d);
}

// mean + k * population std (NannyML's StandardDeviationThreshold).
double MeanPlusKStd(const std::vector<double>& x, double k) {
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / x.size();
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return mean + k * std::sqrt(ss / x.size());
}

// Model "m": numeric x (plain Wasserstein under the nannyml preset) and
// categorical c (base-2 Jensen-Shannon); first 4000 events are the
// reference, calibrated on chunks of 1000.
config::ModelConfig CalibratedModel() {
  config::ModelConfig m = BasicModel(4000);
  m.features[0].test = "wasserstein";
  m.features[1].test = "jensenshannon";
  m.drift.preset = config::DriftPreset::kNannyml;
  m.drift.calibrate = true;
  m.drift.calibration_chunk = 1000;
  m.min_samples = 10;
  return m;
}

struct Rows {
  std::vector<double> x;
  std::vector<std::string> c;
};

Rows MakeRows(int n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const char* categories[] = {"a", "b", "c", "d"};
  Rows rows;
  for (int i = 0; i < n; ++i) {
    rows.x.push_back(normal(rng) + (i / 1000) * 0.05);  // chunks differ a little
    rows.c.push_back(categories[(rng() % 10) < 4 ? 0 : 1 + rng() % 3]);
  }
  return rows;
}

std::vector<Value> Row(const Rows& rows, int i) {
  return {rows.x[i], rows.c[i]};
}

detectors::SummaryOptions ExactOptions() {
  detectors::SummaryOptions o;
  o.exact_up_to = 100000;
  return o;
}

detectors::SummarySet ReferenceOf(const Rows& rows, int n) {
  const std::vector<detectors::FeatureSpec> specs{{FeatureKind::kNumeric, nullptr},
                                                  {FeatureKind::kCategorical, nullptr}};
  detectors::SummarySet set(specs, ExactOptions());
  for (int i = 0; i < n; ++i) set.AddRow(Row(rows, i));
  set.SortAll();
  return set;
}

TEST(FirstNCalibratorTest, ThresholdsAreMeanPlusThreeStdOfTheChunkStatistics) {
  const config::ModelConfig m = CalibratedModel();
  const Rows rows = MakeRows(4000, 3);
  FirstNCalibrator calibrator(m.drift, CalibrationColumnsOf(m, "prediction"), ExactOptions());
  for (int i = 0; i < 4000; ++i) calibrator.Add(Row(rows, i));
  EXPECT_EQ(calibrator.full_chunks(), 4u);
  const auto result = calibrator.Finish(ReferenceOf(rows, 4000));
  ASSERT_NE(result, nullptr);
  ASSERT_EQ(result->columns.size(), 2u);

  // Oracle: each chunk against the whole reference, then mean + 3 std.
  std::vector<double> w1, js;
  std::map<std::string, double> whole;
  for (const auto& c : rows.c) whole[c] += 1;
  for (int k = 0; k < 4; ++k) {
    std::vector<double> chunk(rows.x.begin() + k * 1000, rows.x.begin() + (k + 1) * 1000);
    w1.push_back(W1(chunk, rows.x));
    std::map<std::string, double> counts;
    for (int i = k * 1000; i < (k + 1) * 1000; ++i) counts[rows.c[i]] += 1;
    js.push_back(Js2(whole, counts));
  }
  const CalibratedColumn* x = result->Find(0);
  const CalibratedColumn* c = result->Find(1);
  ASSERT_NE(x, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(x->test, "wasserstein");
  EXPECT_NEAR(x->threshold, MeanPlusKStd(w1, 3.0), 1e-12);
  EXPECT_EQ(x->chunks, 4u);
  EXPECT_EQ(x->chunk_rows, 1000u);
  EXPECT_EQ(c->test, "jensenshannon");
  EXPECT_NEAR(c->threshold, MeanPlusKStd(js, 3.0), 1e-12);
  EXPECT_EQ(calibrator.full_chunks(), 0u);  // chunks released
  EXPECT_EQ(calibrator.Finish(ReferenceOf(rows, 4000)), result);  // computed once
}

TEST(FirstNCalibratorTest, PValueTestsAreNotCalibratedConfiguredThresholdsAre) {
  config::ModelConfig m = CalibratedModel();
  m.features[0].test = "ks";         // a p-value test keeps its p-value threshold
  m.features[1].threshold = 0.2;     // calibrated anyway: a reload may remove the threshold
  const Rows rows = MakeRows(4000, 5);
  FirstNCalibrator calibrator(m.drift, CalibrationColumnsOf(m, "prediction"), ExactOptions());
  for (int i = 0; i < 4000; ++i) calibrator.Add(Row(rows, i));
  const auto result = calibrator.Finish(ReferenceOf(rows, 4000));
  EXPECT_EQ(result->Find(0), nullptr);
  ASSERT_NE(result->Find(1), nullptr);
  EXPECT_EQ(result->Find(1)->test, "jensenshannon");
}

TEST(FirstNCalibratorTest, ACheckpointUnderOtherCalibrationSettingsIsRefused) {
  const config::ModelConfig m = CalibratedModel();
  const Rows rows = MakeRows(2500, 9);
  FirstNCalibrator a(m.drift, CalibrationColumnsOf(m, "prediction"), ExactOptions());
  for (int i = 0; i < 2500; ++i) a.Add(Row(rows, i));
  std::string bytes;
  a.AppendTo(&bytes);
  for (int change = 0; change < 3; ++change) {
    config::ModelConfig other = m;
    if (change == 0) other.drift.calibration_chunk = 500;
    if (change == 1) other.drift.calibration_k = 2.0;
    if (change == 2) other.drift.preset = config::DriftPreset::kEvidently;
    FirstNCalibrator b(other.drift, CalibrationColumnsOf(other, "prediction"), ExactOptions());
    std::string_view in = bytes;
    EXPECT_FALSE(b.ParseInto(&in)) << change;
  }
}

TEST(FirstNCalibratorTest, SameCalibrationComparesWhatTheChunksDependOn) {
  const config::ModelConfig a = CalibratedModel();
  config::ModelConfig b = a;
  EXPECT_TRUE(SameCalibration(a, b));
  b.features[0].test = "hellinger";
  EXPECT_FALSE(SameCalibration(a, b));
  b = a;
  b.features[0].threshold = 0.3;  // thresholds do not change what is calibrated
  EXPECT_TRUE(SameCalibration(a, b));
  // Neither calibrates: presets may differ without restarting the reference.
  config::ModelConfig c = BasicModel(4000), d = BasicModel(4000);
  d.drift.preset = config::DriftPreset::kEvidently;
  EXPECT_TRUE(SameCalibration(c, d));
  EXPECT_FALSE(SameCalibration(a, c));
}

TEST(FirstNCalibratorTest, CheckpointMidFillAndAfterFinishRestoresTheSameThresholds) {
  const config::ModelConfig m = CalibratedModel();
  const Rows rows = MakeRows(4000, 9);
  const auto columns = CalibrationColumnsOf(m, "prediction");
  FirstNCalibrator a(m.drift, columns, ExactOptions());
  for (int i = 0; i < 2500; ++i) a.Add(Row(rows, i));
  std::string bytes;
  a.AppendTo(&bytes);
  FirstNCalibrator b(m.drift, columns, ExactOptions());
  std::string_view in = bytes;
  ASSERT_TRUE(b.ParseInto(&in));
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(b.full_chunks(), 2u);
  for (int i = 2500; i < 4000; ++i) {
    a.Add(Row(rows, i));
    b.Add(Row(rows, i));
  }
  const auto ra = a.Finish(ReferenceOf(rows, 4000));
  const auto rb = b.Finish(ReferenceOf(rows, 4000));
  ASSERT_NE(ra->Find(0), nullptr);
  ASSERT_NE(rb->Find(0), nullptr);
  EXPECT_EQ(ra->Find(0)->threshold, rb->Find(0)->threshold);
  EXPECT_EQ(ra->Find(1)->threshold, rb->Find(1)->threshold);

  std::string done;
  a.AppendTo(&done);
  FirstNCalibrator c(m.drift, columns, ExactOptions());
  std::string_view in2 = done;
  ASSERT_TRUE(c.ParseInto(&in2));
  ASSERT_NE(c.result(), nullptr);
  EXPECT_EQ(c.result()->Find(0)->threshold, ra->Find(0)->threshold);
  EXPECT_EQ(c.result()->Find(1)->test, "jensenshannon");

  // Truncated input is refused, never read past its end.
  for (std::size_t cut = 0; cut < done.size(); ++cut) {
    std::string_view part(done.data(), cut);
    FirstNCalibrator d(m.drift, columns, ExactOptions());
    EXPECT_FALSE(d.ParseInto(&part)) << cut;
  }
}

// A stream whose reference chunks wander: x's mean steps by 0.05 per chunk.
void FeedReference(PipelineFixture& f, const Rows& rows, int n, double shift = 0.0, int offset = 0) {
  for (int i = 0; i < n; ++i) {
    f.Feed(Prediction(0.1 * (i + offset), "\"x\": " + std::to_string(rows.x[i] + shift) + ", \"c\": \"" +
                                              rows.c[i] + "\""));
  }
}

TEST(DaemonCalibrationTest, FirstReferenceThresholdsReachTheVerdict) {
  const config::ModelConfig m = CalibratedModel();
  PipelineFixture f(ConfigOf({m}));
  const Rows rows = MakeRows(4000, 3);
  FeedReference(f, rows, 4000);
  FeedReference(f, rows, 1000, 0.0, 4000);  // a current window like the reference
  auto snapshot = f.pipeline().SnapshotWindows();
  const ModelWindowSnapshot& s = snapshot->models[0];
  ASSERT_NE(s.calibration, nullptr);
  ASSERT_NE(s.calibration->Find(0), nullptr);
  const Judgement j = JudgeModel(m, s);
  const ColumnDrift& x = j.drift.columns[0];
  EXPECT_TRUE(x.judged);
  EXPECT_EQ(x.test, "wasserstein");
  EXPECT_EQ(x.threshold, s.calibration->Find(0)->threshold);
  EXPECT_NE(x.note.find("threshold calibrated on 4 reference chunks of 1000 rows"), std::string::npos) << x.note;

  // The same model with a configured threshold ignores the calibration.
  config::ModelConfig fixed = m;
  fixed.features[0].threshold = 0.5;
  const Judgement k = JudgeModel(fixed, s);
  EXPECT_EQ(k.drift.columns[0].threshold, 0.5);
  EXPECT_EQ(k.drift.columns[0].note.find("calibrated"), std::string::npos);
}

// x ~ N(0, 1) for the 4000 reference events, then, an hour of event time
// later, `current` events of N(shift, 1); c is "a" throughout (a column
// without spread).
ModelWindowSnapshot ShiftedSnapshot(PipelineFixture& f, int current, double shift) {
  std::mt19937_64 rng(21);
  std::normal_distribution<double> normal(0.0, 1.0);
  Rows rows;
  for (int i = 0; i < 4000 + current; ++i) {
    rows.x.push_back(normal(rng));
    rows.c.push_back("a");
  }
  FeedReference(f, rows, 4000);
  Rows tail;
  tail.x.assign(rows.x.begin() + 4000, rows.x.end());
  tail.c.assign(rows.c.begin() + 4000, rows.c.end());
  // An hour later, so the 1 h current window holds only these events.
  FeedReference(f, tail, current, shift, 4000 + 36000);
  return f.pipeline().SnapshotWindows()->models[0];
}

TEST(DaemonCalibrationTest, CalibratedThresholdFlagsAShiftTheDefaultWouldMiss) {
  // Chunks of 1000 from one N(0,1) stream differ by W1 ~ 0.03: the
  // calibrated threshold sits near 0.05, below the 0.1 default, so a
  // shift of 0.06 sd (5000 values) drifts under it and would not under the default.
  const config::ModelConfig m = CalibratedModel();
  PipelineFixture f(ConfigOf({m}));
  const ModelWindowSnapshot s = ShiftedSnapshot(f, 5000, 0.06);
  const Judgement j = JudgeModel(m, s);
  const ColumnDrift& x = j.drift.columns[0];
  ASSERT_TRUE(x.judged);
  EXPECT_LT(x.threshold, 0.1);
  EXPECT_GT(x.statistic, x.threshold);
  EXPECT_LT(x.statistic, 0.1);
  EXPECT_TRUE(x.drifted);
  config::ModelConfig uncalibrated = m;
  uncalibrated.drift.calibrate = false;
  uncalibrated.drift.preset = config::DriftPreset::kAuto;
  uncalibrated.features[0].threshold = 0.1;
  EXPECT_FALSE(JudgeModel(uncalibrated, s).drift.columns[0].drifted);
}

TEST(DaemonCalibrationTest, AColumnWithoutSpreadDoesNotDriftAtItsZeroThreshold) {
  config::ModelConfig m = CalibratedModel();
  m.drift.preset = config::DriftPreset::kAuto;  // distances drift at >= threshold otherwise
  PipelineFixture f(ConfigOf({m}));
  const ModelWindowSnapshot s = ShiftedSnapshot(f, 1000, 0.0);
  ASSERT_NE(s.calibration->Find(1), nullptr);
  EXPECT_EQ(s.calibration->Find(1)->threshold, 0.0);
  const Judgement j = JudgeModel(m, s);
  const ColumnDrift& c = j.drift.columns[1];
  EXPECT_TRUE(c.judged);
  EXPECT_EQ(c.statistic, 0.0);
  EXPECT_FALSE(c.drifted);
}

TEST(DaemonCalibrationTest, ACurrentWindowSmallerThanAChunkIsNotJudged) {
  const config::ModelConfig m = CalibratedModel();
  PipelineFixture f(ConfigOf({m}));
  const ModelWindowSnapshot s = ShiftedSnapshot(f, 999, 3.0);
  const Judgement j = JudgeModel(m, s);
  const ColumnDrift& x = j.drift.columns[0];
  EXPECT_FALSE(x.judged);
  EXPECT_FALSE(x.drifted);
  EXPECT_NE(x.note.find("999 values, fewer than a calibration chunk"), std::string::npos) << x.note;
}

TEST(DaemonCalibrationTest, CheckpointOfTheWindowsKeepsTheCalibration) {
  const config::ModelConfig m = CalibratedModel();
  const Rows rows = MakeRows(4000, 3);
  ModelWindows w(m, {});
  for (int i = 0; i < 4000; ++i) {
    Event e;
    e.kind = EventKind::kPrediction;
    e.model = "m";
    e.ts = Timestamp{} + std::chrono::seconds(eval_testing::kT0 + i / 10);
    e.features = {{"x", rows.x[i]}, {"c", rows.c[i]}};
    w.Add(e);
  }
  const auto before = w.Snapshot("m", Timestamp{} + std::chrono::seconds(eval_testing::kT0 + 400));
  ASSERT_NE(before.calibration, nullptr);
  std::string bytes;
  w.AppendTo(&bytes);
  std::string_view in = bytes;
  auto restored = ModelWindows::Parse(&in, m, {});
  ASSERT_TRUE(restored.has_value());
  const auto after = restored->Snapshot("m", Timestamp{} + std::chrono::seconds(eval_testing::kT0 + 400));
  ASSERT_NE(after.calibration, nullptr);
  EXPECT_EQ(after.calibration->Find(0)->threshold, before.calibration->Find(0)->threshold);
  EXPECT_EQ(after.calibration->Find(1)->threshold, before.calibration->Find(1)->threshold);
  // Restored under another chunk size: refused, the windows start over.
  config::ModelConfig other = m;
  other.drift.calibration_chunk = 2000;
  std::string_view again = bytes;
  EXPECT_FALSE(ModelWindows::Parse(&again, other, {}).has_value());
}

TEST(DaemonCalibrationTest, ChangingCalibrationRestartsTheFirstReference) {
  const config::ModelConfig a = CalibratedModel();
  config::ModelConfig b = a;
  EXPECT_TRUE(ModelWindows::SameWindowSettings(a, b));
  b.drift.calibration_chunk = 2000;
  EXPECT_FALSE(ModelWindows::SameWindowSettings(a, b));
  b = a;
  b.drift.calibrate = false;
  b.drift.preset = config::DriftPreset::kAuto;
  EXPECT_FALSE(ModelWindows::SameWindowSettings(a, b));
}

class BaselineCalibrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("driftd-calibration-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Model "m" (x numeric, c categorical, a score prediction) reading the
  // profile written by WriteProfile().
  config::ModelConfig Model() const {
    config::ModelConfig m = BasicModel();
    m.reference.type = config::ReferenceType::kBaseline;
    m.reference.path = (dir_ / "m.profile.json").string();
    m.prediction = config::PredictionConfig{};
    m.drift.calibrate = true;
    return m;
  }

  void WriteProfile(bool with_prediction, config::FeatureType prediction_type,
                    config::DriftPreset preset = config::DriftPreset::kAuto) const {
    detectors::Profile p;
    p.model = "m";
    p.preset = preset;
    p.rows = 3;
    detectors::NumericSummary x;
    for (double v : {1.0, 2.0, 3.0}) x.Add(v);
    detectors::ProfileFeature fx;
    fx.name = "x";
    fx.numeric = x;
    fx.calibrated = detectors::CalibratedThresholdInfo{"wasserstein", 0.07, 5, 1000};
    p.features.push_back(fx);
    detectors::CategoricalCounts c;
    c.Add("a");
    detectors::ProfileFeature fc;
    fc.name = "c";
    fc.type = config::FeatureType::kCategorical;
    fc.categorical = c;
    p.features.push_back(fc);
    if (with_prediction) {
      detectors::ProfileFeature fp;
      fp.name = "prediction";
      fp.prediction = true;
      fp.type = prediction_type;
      if (prediction_type == config::FeatureType::kNumeric) {
        detectors::NumericSummary s;
        for (double v : {0.1, 0.2, 0.3, 0.4}) s.Add(v);
        fp.numeric = s;
      } else {
        fp.categorical = c;
      }
      fp.calibrated = detectors::CalibratedThresholdInfo{"wasserstein", 0.05, 5, 1000};
      p.features.push_back(fp);
    }
    std::ofstream(dir_ / "m.profile.json") << detectors::ProfileToJson(p);
  }

  std::filesystem::path dir_;
};

TEST_F(BaselineCalibrationTest, ProfileThresholdsAndPredictionAreLoadedInColumnOrder) {
  WriteProfile(true, config::FeatureType::kNumeric);
  const BaselineReference b = LoadBaseline(Model());
  ASSERT_TRUE(b.error.empty()) << b.error;
  ASSERT_NE(b.summaries, nullptr);
  ASSERT_EQ(b.summaries->num_features(), 3u);  // x, c, prediction
  EXPECT_EQ(b.summaries->numeric(0).count(), 3u);
  EXPECT_EQ(b.summaries->numeric(2).count(), 4u);  // the prediction's reference
  ASSERT_NE(b.calibration, nullptr);
  ASSERT_NE(b.calibration->Find(0), nullptr);
  EXPECT_EQ(b.calibration->Find(0)->threshold, 0.07);
  EXPECT_EQ(b.calibration->Find(1), nullptr);
  ASSERT_NE(b.calibration->Find(2), nullptr);
  EXPECT_EQ(b.calibration->Find(2)->threshold, 0.05);
}

TEST_F(BaselineCalibrationTest, ThresholdsCalibratedUnderAnotherPresetAreNotUsed) {
  // nannyml's Jensen-Shannon is base 2 and its Wasserstein unnormalised.
  WriteProfile(true, config::FeatureType::kNumeric, config::DriftPreset::kNannyml);
  const BaselineReference b = LoadBaseline(Model());
  ASSERT_TRUE(b.error.empty()) << b.error;
  ASSERT_NE(b.summaries, nullptr);
  EXPECT_EQ(b.calibration, nullptr);
}

TEST_F(BaselineCalibrationTest, AProfileWithoutThePredictionLeavesItUnjudged) {
  WriteProfile(false, config::FeatureType::kNumeric);
  const BaselineReference b = LoadBaseline(Model());
  ASSERT_TRUE(b.error.empty()) << b.error;
  EXPECT_EQ(b.summaries->numeric(2).count(), 0u);
}

TEST_F(BaselineCalibrationTest, APredictionOfAnotherTypeIsAClearError) {
  WriteProfile(true, config::FeatureType::kCategorical);
  const BaselineReference b = LoadBaseline(Model());
  EXPECT_EQ(b.summaries, nullptr);
  EXPECT_NE(b.error.find("the prediction is numeric in the config but categorical in the profile"),
            std::string::npos)
      << b.error;
  config::ModelConfig no_prediction = Model();
  no_prediction.prediction.reset();
  const BaselineReference c = LoadBaseline(no_prediction);
  EXPECT_NE(c.error.find("profile holds a prediction but model \"m\" has no [prediction] table"),
            std::string::npos)
      << c.error;
}

}  // namespace
}  // namespace driftd
