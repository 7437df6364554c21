// The Evidently tests added to the drift layer (g_test, t_test, mannw,
// energy_distance, fisher_exact, TVD with a permutation p-value): names,
// defaults, and EvaluateFeature's use of them in exact and sketch mode. The
// statistics themselves are checked against scipy in detectors/stats/tests;
// here the oracle is the stats function on the same data, and the verdict
// rule is Evidently's (p < threshold; energy distance > threshold).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "detectors/drift/drift.h"
#include "detectors/drift/tests/test_util.h"
#include "detectors/stats/contingency.h"
#include "detectors/stats/energy.h"
#include "detectors/stats/location.h"
#include "detectors/stats/permutation.h"

namespace driftd::detectors {
namespace {

using testing::Counts;
using testing::Exact;
using testing::Sketch;
using testing::Spec;

config::DriftConfig Evidently() {
  config::DriftConfig c;
  c.preset = config::DriftPreset::kEvidently;
  return c;
}

std::vector<double> Normal(std::uint64_t seed, double mean, double sd, int n) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(mean, sd);
  std::vector<double> out(static_cast<std::size_t>(n));
  for (double& x : out) x = d(rng);
  return out;
}

TEST(EvidentlyTests, NamesAliasesAndDefaults) {
  struct Row {
    const char* name;
    TestKind kind;
    bool p_value;
    bool numeric_only;
    double threshold;  // Evidently's registered default_threshold
  };
  const Row rows[] = {
      {"g_test", TestKind::kGTest, true, false, 0.1},
      {"t_test", TestKind::kTTest, true, true, 0.05},
      {"mannw", TestKind::kMannWhitney, true, true, 0.05},
      {"energy_distance", TestKind::kEnergyDistance, false, true, 0.1},
      {"fisher_exact", TestKind::kFisherExact, true, false, 0.1},
      {"tvd_perm", TestKind::kTvdPermutation, true, false, 0.1},
  };
  for (const Row& r : rows) {
    ASSERT_EQ(ParseTestName(r.name), r.kind) << r.name;
    EXPECT_STREQ(TestName(r.kind), r.name);
    EXPECT_EQ(IsPValueTest(r.kind), r.p_value) << r.name;
    EXPECT_EQ(IsNumericOnlyTest(r.kind), r.numeric_only) << r.name;
    EXPECT_EQ(DefaultThreshold(r.kind, config::DriftPreset::kEvidently), r.threshold) << r.name;
  }
  EXPECT_EQ(ParseTestName("ed"), TestKind::kEnergyDistance);   // Evidently's name
  EXPECT_EQ(ParseTestName("TVD"), TestKind::kTvdPermutation);  // Evidently's name
  EXPECT_EQ(ParseTestName("tvd"), TestKind::kTvd);             // the plain distance
  EXPECT_EQ(ParseTestName("mann_whitney"), TestKind::kMannWhitney);
  EXPECT_EQ(ParseTestName("fisher"), TestKind::kFisherExact);
  EXPECT_EQ(ParseTestName("gtest"), TestKind::kGTest);
  EXPECT_EQ(ParseTestName("ttest"), TestKind::kTTest);
}

TEST(EvidentlyTests, NumericExactTestsMatchStatsFunctions) {
  const std::vector<double> r = Normal(1, 0.0, 1.0, 300), c = Normal(2, 0.3, 1.0, 200);
  const NumericSummary ref = Exact(r), cur = Exact(c);
  const std::vector<double> rs(ref.SortedSample().begin(), ref.SortedSample().end());
  const std::vector<double> cs(cur.SortedSample().begin(), cur.SortedSample().end());

  const FeatureResult t = EvaluateFeature(Spec("x", config::FeatureType::kNumeric, "t_test"),
                                          {&ref, nullptr}, {&cur, nullptr}, Evidently(), 1);
  ASSERT_TRUE(t.judged) << t.note;
  EXPECT_EQ(t.mode, "exact");
  EXPECT_EQ(*t.p_value, *stats::StudentTTest(rs, cs)->p_value);  // summed in sorted order
  EXPECT_EQ(t.drifted, *t.p_value < 0.05);
  EXPECT_TRUE(t.effect_size.has_value());  // p-value test: normalised W1 attached

  const FeatureResult u = EvaluateFeature(Spec("x", config::FeatureType::kNumeric, "mannw"),
                                          {&ref, nullptr}, {&cur, nullptr}, Evidently(), 1);
  ASSERT_TRUE(u.judged) << u.note;
  EXPECT_EQ(*u.p_value, *stats::MannWhitneyU(rs, cs, stats::Alternative::kLess)->p_value);
  // Current shifted up: the one-sided "less" alternative detects it.
  EXPECT_LT(*u.p_value, 0.05);
  EXPECT_TRUE(u.drifted);

  const FeatureResult e =
      EvaluateFeature(Spec("x", config::FeatureType::kNumeric, "energy_distance"), {&ref, nullptr},
                      {&cur, nullptr}, Evidently(), 1);
  ASSERT_TRUE(e.judged) << e.note;
  EXPECT_EQ(e.statistic, *stats::EnergyDistance(rs, cs));
  EXPECT_FALSE(e.p_value.has_value());
  EXPECT_EQ(e.threshold, 0.1);
}

// Evidently's energy distance flags drift when distance > threshold,
// unlike its other distances (>=).
TEST(EvidentlyTests, EnergyDistanceAtThresholdIsNotDrift) {
  const NumericSummary ref = Exact({1, 2, 3, 4}), cur = Exact({2, 3, 4, 5});
  const double e = *stats::EnergyDistance(ref.SortedSample(), cur.SortedSample());
  DriftFeatureSpec spec = Spec("x", config::FeatureType::kNumeric, "ed");
  spec.threshold = e;
  const FeatureResult at = EvaluateFeature(spec, {&ref, nullptr}, {&cur, nullptr}, Evidently(), 1);
  ASSERT_TRUE(at.judged);
  EXPECT_FALSE(at.drifted);
  spec.threshold = e * (1 - 1e-12);
  EXPECT_TRUE(EvaluateFeature(spec, {&ref, nullptr}, {&cur, nullptr}, Evidently(), 1).drifted);
}

TEST(EvidentlyTests, SketchModeJudgesTTestFromMomentsOnly) {
  const std::vector<double> r = Normal(3, 0.0, 1.0, 5000), c = Normal(4, 0.1, 1.0, 4000);
  const NumericSummary ref = Sketch(r), cur = Sketch(c);
  const FeatureResult t = EvaluateFeature(Spec("x", config::FeatureType::kNumeric, "t_test"),
                                          {&ref, nullptr}, {&cur, nullptr}, Evidently(), 1);
  ASSERT_TRUE(t.judged) << t.note;
  EXPECT_EQ(t.mode, "sketch");
  // Welford moments against the two-pass ones of scipy's ttest_ind.
  EXPECT_NEAR(*t.p_value, *stats::StudentTTest(r, c)->p_value, 1e-9 * *t.p_value);
  for (const char* name : {"mannw", "energy_distance"}) {
    const FeatureResult f = EvaluateFeature(Spec("x", config::FeatureType::kNumeric, name),
                                            {&ref, nullptr}, {&cur, nullptr}, Evidently(), 1);
    EXPECT_FALSE(f.judged) << name;
    EXPECT_FALSE(f.drifted) << name;
    EXPECT_NE(f.note.find("needs exact samples"), std::string::npos) << name << ": " << f.note;
  }
}

TEST(EvidentlyTests, CategoricalTestsMatchStatsFunctions) {
  const CategoricalCounts ref = Counts({{"a", 45}, {"b", 45}});
  const CategoricalCounts cur = Counts({{"a", 30}, {"b", 60}});
  const std::vector<double> rc = {45, 45}, cc = {30, 60};
  for (const char* name : {"g_test", "fisher_exact", "tvd_perm"}) {
    const FeatureResult f = EvaluateFeature(Spec("c", config::FeatureType::kCategorical, name),
                                            {nullptr, &ref}, {nullptr, &cur}, Evidently(), 1);
    ASSERT_TRUE(f.judged) << name << " " << f.note;
    const TestKind kind = *ParseTestName(name);
    const auto want = kind == TestKind::kGTest         ? stats::GTest(rc, cc)
                      : kind == TestKind::kFisherExact ? stats::FisherExactTest(rc, cc)
                                                       : stats::TvdPermutationTest(rc, cc);
    EXPECT_EQ(*f.p_value, *want->p_value) << name;
    EXPECT_EQ(f.statistic, want->statistic) << name;
    EXPECT_EQ(f.threshold, 0.1) << name;
    EXPECT_EQ(f.drifted, *f.p_value < 0.1) << name;
    EXPECT_TRUE(f.effect_size.has_value()) << name;  // Jensen-Shannon of the categories
  }
  // Evidently's Fisher vector (test_stattests.py): p = 0.034 < 0.1.
  const FeatureResult fisher =
      EvaluateFeature(Spec("c", config::FeatureType::kCategorical, "fisher_exact"), {nullptr, &ref},
                      {nullptr, &cur}, Evidently(), 1);
  EXPECT_NEAR(*fisher.p_value, 0.033972274322700745, 1e-12);
  EXPECT_TRUE(fisher.drifted);
}

TEST(EvidentlyTests, FisherNeedsABinaryColumn) {
  const CategoricalCounts ref = Counts({{"a", 5}, {"b", 5}, {"c", 5}});
  const CategoricalCounts cur = Counts({{"a", 5}, {"b", 5}, {"c", 9}});
  const FeatureResult f =
      EvaluateFeature(Spec("c", config::FeatureType::kCategorical, "fisher_exact"), {nullptr, &ref},
                      {nullptr, &cur}, Evidently(), 1);
  EXPECT_FALSE(f.judged);
  EXPECT_FALSE(f.drifted);
  EXPECT_NE(f.note.find("needs a binary column"), std::string::npos) << f.note;
}

TEST(EvidentlyTests, NumericColumnsCountValuesOnlyWhenExact) {
  const std::vector<double> r = {1, 1, 2, 2, 2, 3}, c = {1, 2, 3, 3, 3, 3};
  const NumericSummary ref = Exact(r), cur = Exact(c);
  const FeatureResult g = EvaluateFeature(Spec("x", config::FeatureType::kNumeric, "g_test"),
                                          {&ref, nullptr}, {&cur, nullptr}, Evidently(), 1);
  ASSERT_TRUE(g.judged) << g.note;
  EXPECT_EQ(*g.p_value,
            *stats::GTest(std::vector<double>{2, 3, 1}, std::vector<double>{1, 1, 4})->p_value);
  // 5000 values: enough for the KLL sketch (k = 200) to compact, so the
  // view is no longer exact and its per-value weights are not counts.
  std::vector<double> many_r, many_c;
  for (int i = 0; i < 5000; ++i) {
    many_r.push_back(i % 3);
    many_c.push_back(i % 4);
  }
  const NumericSummary rs = Sketch(many_r), cs = Sketch(many_c);
  ASSERT_FALSE(rs.View().exact());
  const FeatureResult s = EvaluateFeature(Spec("x", config::FeatureType::kNumeric, "tvd_perm"),
                                          {&rs, nullptr}, {&cs, nullptr}, Evidently(), 1);
  EXPECT_FALSE(s.judged);
  EXPECT_NE(s.note.find("needs exact samples"), std::string::npos) << s.note;
}

TEST(EvidentlyTests, NumericOnlyTestsRefuseCategoricalColumns) {
  const CategoricalCounts ref = Counts({{"a", 5}, {"b", 5}});
  for (const char* name : {"t_test", "mannw", "energy_distance"}) {
    const FeatureResult f = EvaluateFeature(Spec("c", config::FeatureType::kCategorical, name),
                                            {nullptr, &ref}, {nullptr, &ref}, Evidently(), 1);
    EXPECT_FALSE(f.judged) << name;
    EXPECT_NE(f.note.find("needs a numeric feature"), std::string::npos) << f.note;
  }
}

}  // namespace
}  // namespace driftd::detectors
