// The decision layer: test choice, corrections, effect-size gating,
// drift share, min_samples and the sketch-mode KS rule.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "detectors/drift/drift.h"
#include "detectors/drift/tests/test_util.h"
#include "detectors/window/summary_distance.h"

namespace driftd::detectors {
namespace {

using testing::Cases;
using testing::Doubles;
using testing::Exact;

config::DriftConfig Config(config::DriftPreset preset = config::DriftPreset::kAuto) {
  config::DriftConfig c;
  c.preset = preset;
  return c;
}

std::vector<double> Normal(std::size_t n, double mean, double sd, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> dist(mean, sd);
  std::vector<double> out(n);
  for (double& x : out) x = dist(gen);
  return out;
}

// Oracle: statsmodels.stats.multitest.multipletests (scripts/gen_drift_cases.py).
TEST(Corrections, MatchStatsmodels) {
  for (const auto& c : Cases().at("corrections").as_array()) {
    const auto& o = c.as_object();
    const std::vector<double> p = Doubles(o.at("p"));
    for (const auto& [method, correction] :
         {std::pair{"bonferroni", config::Correction::kBonferroni},
          std::pair{"fdr_bh", config::Correction::kBenjaminiHochberg}}) {
      const std::vector<double> expected = Doubles(o.at(method));
      const std::vector<double> got = AdjustPValues(p, correction);
      ASSERT_EQ(got.size(), expected.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_NEAR(got[i], expected[i], 1e-12 * std::max(1.0, expected[i])) << method << " #" << i;
      }
    }
    EXPECT_EQ(AdjustPValues(p, config::Correction::kNone), p);
  }
}

// Oracle: Evidently's registry._get_default_stattest, replayed in
// scripts/gen_drift_cases.py on the same columns.
TEST(ChooseTest, FollowsEvidentlysRule) {
  for (const auto& c : Cases().at("evidently_choice").as_array()) {
    const auto& o = c.as_object();
    const auto n_ref = o.at("n_ref").to_number<std::size_t>();
    const auto uniq_ref = o.at("unique_ref").to_number<std::size_t>();
    const auto uniq_cur = o.at("unique_cur").to_number<std::size_t>();
    const bool numeric = o.at("type").as_string() == "num";
    const std::string expected(o.at("test").as_string());
    DriftFeatureSpec spec = testing::Spec("f", numeric ? config::FeatureType::kNumeric : config::FeatureType::kCategorical);
    std::vector<double> ref, cur;
    CategoricalCounts ref_c, cur_c;
    for (std::size_t i = 0; i < n_ref; ++i) {
      ref.push_back(static_cast<double>(i % uniq_ref));
      ref_c.Add(std::to_string(i % uniq_ref));
    }
    for (std::size_t i = 0; i < 300; ++i) {
      cur.push_back(static_cast<double>(i % uniq_cur));
      cur_c.Add(std::to_string(i % uniq_cur));
    }
    const NumericSummary rs = Exact(ref), cs = Exact(cur);
    const ColumnData rd = numeric ? ColumnData{&rs, nullptr} : ColumnData{nullptr, &ref_c};
    const ColumnData cd = numeric ? ColumnData{&cs, nullptr} : ColumnData{nullptr, &cur_c};
    for (auto preset : {config::DriftPreset::kAuto, config::DriftPreset::kEvidently}) {
      EXPECT_EQ(ChooseTest(spec, rd, cd, preset), ParseTestName(expected))
          << "n_ref " << n_ref << " unique " << uniq_ref << "/" << uniq_cur << " " << o.at("type").as_string();
    }
  }
}

TEST(ChooseTest, NannymlPresetUsesJensenShannonAndExplicitTestsWin) {
  const NumericSummary r = Exact(Normal(100, 0, 1, 1)), c = Exact(Normal(100, 0, 1, 2));
  DriftFeatureSpec spec = testing::Spec("x", config::FeatureType::kNumeric);
  EXPECT_EQ(ChooseTest(spec, {&r, nullptr}, {&c, nullptr}, config::DriftPreset::kNannyml),
            TestKind::kJensenShannon);
  spec.test = "psi";
  EXPECT_EQ(ChooseTest(spec, {&r, nullptr}, {&c, nullptr}, config::DriftPreset::kAuto), TestKind::kPsi);
}

TEST(TestNames, RoundTripAndDefaults) {
  for (TestKind t : {TestKind::kKs, TestKind::kWasserstein, TestKind::kPsi, TestKind::kKl,
                     TestKind::kJensenShannon, TestKind::kHellinger, TestKind::kCramerVonMises,
                     TestKind::kAnderson, TestKind::kChiSquare, TestKind::kZTest, TestKind::kLinf,
                     TestKind::kTvd}) {
    EXPECT_EQ(ParseTestName(TestName(t)), t);
    // Evidently's StatTest defaults: 0.05 for p-values, 0.1 for its distances.
    EXPECT_EQ(DefaultThreshold(t, config::DriftPreset::kEvidently), IsPValueTest(t) ? 0.05 : 0.1);
  }
  EXPECT_FALSE(ParseTestName("auto"));
  EXPECT_FALSE(ParseTestName("nope"));
}

FeatureResult PTest(std::string name, double p, double effect, bool judged = true) {
  FeatureResult f;
  f.name = std::move(name);
  f.test = TestKind::kKs;
  f.p_value = p;
  f.effect_size = effect;
  f.threshold = 0.05;
  f.judged = judged;
  return f;
}

FeatureResult Distance(std::string name, double statistic, bool drifted) {
  FeatureResult f;
  f.name = std::move(name);
  f.test = TestKind::kWasserstein;
  f.statistic = statistic;
  f.threshold = 0.1;
  f.drifted = drifted;
  f.judged = true;
  return f;
}

TEST(Decide, EffectSizeGatesSignificantPValues) {
  config::DriftConfig c = Config();
  c.correction = config::Correction::kNone;
  c.min_effect_size = 0.1;
  const DriftReport r = Decide({PTest("small", 1e-9, 0.02), PTest("large", 1e-9, 0.3), PTest("null", 0.4, 0.5)}, c);
  EXPECT_FALSE(r.features[0].drifted);
  EXPECT_NE(r.features[0].note.find("effect size"), std::string::npos);
  EXPECT_TRUE(r.features[1].drifted);
  EXPECT_FALSE(r.features[2].drifted);
}

TEST(Decide, CorrectionDecidesBorderlineFeatures) {
  config::DriftConfig c = Config();
  c.min_effect_size = 0.0;
  const std::vector<FeatureResult> in = {PTest("a", 0.03, 1), PTest("b", 0.04, 1), PTest("c", 0.5, 1)};
  c.correction = config::Correction::kNone;
  EXPECT_EQ(Decide(in, c).drift_share, 2.0 / 3.0);
  c.correction = config::Correction::kBonferroni;  // 0.09, 0.12, 1
  EXPECT_EQ(Decide(in, c).drift_share, 0.0);
  c.correction = config::Correction::kBenjaminiHochberg;  // 0.06, 0.06, 0.5
  const DriftReport bh = Decide(in, c);
  EXPECT_EQ(bh.drift_share, 0.0);
  EXPECT_DOUBLE_EQ(*bh.features[0].adjusted_p_value, 0.06);
}

TEST(Decide, DriftShareCountsOnlyJudgedFeatures) {
  config::DriftConfig c = Config();
  c.drift_share = 0.5;
  FeatureResult unjudged = Distance("u", 0, false);
  unjudged.judged = false;
  DriftReport r = Decide({Distance("a", 0.2, true), Distance("b", 0.0, false), unjudged}, c);
  EXPECT_EQ(r.judged, 2u);
  EXPECT_DOUBLE_EQ(r.drift_share, 0.5);
  EXPECT_TRUE(r.dataset_drift);  // share reaches drift_share
  r = Decide({Distance("a", 0.2, true), Distance("b", 0, false), Distance("c", 0, false)}, c);
  EXPECT_FALSE(r.dataset_drift);
  r = Decide({unjudged}, c);
  EXPECT_EQ(r.judged, 0u);
  EXPECT_FALSE(r.dataset_drift);
}

TEST(EvaluateFeature, NothingIsJudgedBelowMinSamples) {
  const NumericSummary r = Exact(Normal(500, 0, 1, 3)), c = Exact(Normal(150, 5, 1, 4));
  const FeatureResult f = EvaluateFeature(testing::Spec("x", config::FeatureType::kNumeric), {&r, nullptr}, {&c, nullptr},
                                          Config(), 200);
  EXPECT_FALSE(f.judged);
  EXPECT_FALSE(f.drifted);
  EXPECT_NE(f.note.find("below min_samples"), std::string::npos);
  EXPECT_EQ(f.current_count, 150u);
}

TEST(EvaluateFeature, HugeSamplesWithTrivialShiftAreNotDrift) {
  // 200,000 values each, shifted by 0.02 sd: KS is highly significant but
  // the normalised Wasserstein effect (~0.02) is below min_effect_size.
  const NumericSummary r = Exact(Normal(200000, 0, 1, 5)), c = Exact(Normal(200000, 0.02, 1, 6));
  DriftFeatureSpec spec = testing::Spec("x", config::FeatureType::kNumeric, "ks");
  config::DriftConfig cfg = Config();
  const FeatureResult f = EvaluateFeature(spec, {&r, nullptr}, {&c, nullptr}, cfg, 200);
  ASSERT_TRUE(f.judged);
  ASSERT_TRUE(f.p_value);
  EXPECT_LT(*f.p_value, 1e-6);
  ASSERT_TRUE(f.effect_size);
  EXPECT_NEAR(*f.effect_size, 0.02, 0.01);
  EXPECT_FALSE(Decide({f}, cfg).features[0].drifted);
  cfg.min_effect_size = 0.0;
  EXPECT_TRUE(Decide({f}, cfg).features[0].drifted);
}

TEST(EvaluateFeature, SketchKsWithoutTrustworthyPValueIsJudgedOnDistance) {
  const std::vector<double> a = Normal(1000, 0, 1, 7), b = Normal(1000, 1.0, 1, 8);
  const NumericSummary ra = testing::Sketch(a), rb = testing::Sketch(b);
  ASSERT_GT(ra.epsilon(), 0.0);
  DriftFeatureSpec spec = testing::Spec("x", config::FeatureType::kNumeric, "ks");
  const FeatureResult f = EvaluateFeature(spec, {&ra, nullptr}, {&rb, nullptr}, Config(), 1);
  EXPECT_EQ(f.mode, "sketch");
  EXPECT_FALSE(f.p_value);  // e1 + e2 ~ 0.033 is not far below 1.358 sqrt(2/1000) ~ 0.061
  EXPECT_NEAR(f.threshold, KsCriticalDistance(1000, 1000) + ra.epsilon() + rb.epsilon(), 1e-12);
  EXPECT_TRUE(f.drifted);  // a one-sd shift: D ~ 0.38
  EXPECT_NE(f.note.find("sketch KS"), std::string::npos);
  // Same data, exact: a p-value.
  const NumericSummary ea = Exact(a), eb = Exact(b);
  const FeatureResult g = EvaluateFeature(spec, {&ea, nullptr}, {&eb, nullptr}, Config(), 1);
  EXPECT_EQ(g.mode, "exact");
  ASSERT_TRUE(g.p_value);
  EXPECT_LT(*g.p_value, 1e-10);
}

TEST(EvaluateFeature, NumericOnlyTestOnCategoricalIsNotJudged) {
  const CategoricalCounts r = testing::Counts({{"a", 10}}), c = testing::Counts({{"a", 5}});
  const FeatureResult f = EvaluateFeature(testing::Spec("k", config::FeatureType::kCategorical, "ks"), {nullptr, &r},
                                          {nullptr, &c}, Config(), 1);
  EXPECT_FALSE(f.judged);
  EXPECT_NE(f.note.find("numeric"), std::string::npos);
}

TEST(EvaluateFeature, CategoricalChiSquareHasJensenShannonEffect) {
  const CategoricalCounts r = testing::Counts({{"a", 500}, {"b", 300}, {"c", 200}});
  const CategoricalCounts c = testing::Counts({{"a", 200}, {"b", 300}, {"c", 500}});
  const FeatureResult f = EvaluateFeature(testing::Spec("k", config::FeatureType::kCategorical, "chisquare"), {nullptr, &r},
                                          {nullptr, &c}, Config(), 1);
  ASSERT_TRUE(f.judged);
  ASSERT_TRUE(f.p_value);
  EXPECT_LT(*f.p_value, 1e-10);
  ASSERT_TRUE(f.effect_size);
  EXPECT_GT(*f.effect_size, 0.1);
  EXPECT_TRUE(f.drifted);
}

// Oracle: NannyML's StandardDeviationThreshold (np.mean + 3 * np.std).
TEST(CalibratedThreshold, MeanPlusKPopulationStd) {
  const auto& o = Cases().at("nannyml_calibration").as_object();
  const std::vector<double> js = Doubles(o.at("chunk_js"));
  EXPECT_NEAR(CalibratedThreshold(js, 3.0), o.at("threshold").to_number<double>(), 1e-12);
  EXPECT_TRUE(std::isnan(CalibratedThreshold({}, 3.0)));
}

}  // namespace
}  // namespace driftd::detectors
