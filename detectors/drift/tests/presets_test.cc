// Preset binning against Evidently's and NannyML's definitions; the oracle
// values are computed by scripts/gen_drift_cases.py with numpy/scipy
// following each tool's code (named per case below).
#include <gtest/gtest.h>

#include <cmath>

#include "detectors/drift/drift.h"
#include "detectors/drift/histogram.h"
#include "detectors/drift/tests/test_util.h"

namespace driftd::detectors {
namespace {

using testing::Cases;
using testing::Doubles;
using testing::Exact;

constexpr double kRel = 1e-9;

void ExpectRel(double got, double expected, const std::string& what) {
  EXPECT_NEAR(got, expected, kRel * std::max(1.0, std::abs(expected))) << what;
}

config::DriftConfig Preset(config::DriftPreset p) {
  config::DriftConfig c;
  c.preset = p;
  return c;
}

// Oracle: numpy.histogram_bin_edges(x, bins="sturges" | "doane").
TEST(BinRules, MatchNumpy) {
  for (const auto& c : Cases().at("bin_edges").as_array()) {
    const auto& o = c.as_object();
    std::vector<double> x = Doubles(o.at("x"));
    std::sort(x.begin(), x.end());
    SampleShape shape = ShapeOf(x);
    for (const auto& [key, rule] : {std::pair{"sturges", BinRule::kSturges}, std::pair{"doane", BinRule::kDoane}}) {
      const std::vector<double> expected = Doubles(o.at(key));
      const auto got = RuleEdges(rule, shape);
      ASSERT_TRUE(got);
      ASSERT_EQ(got->size(), expected.size()) << key << " n=" << x.size();
      for (std::size_t i = 0; i < got->size(); ++i) ExpectRel((*got)[i], expected[i], key);
    }
  }
}

// Oracle: Evidently get_binned_data + jensenshannon / psi / kl_div /
// hellinger_distance / wasserstein_distance_norm, on exact samples.
TEST(EvidentlyPreset, NumericScoresMatch) {
  for (const auto& c : Cases().at("evidently_numeric").as_array()) {
    const auto& o = c.as_object();
    const std::string name(o.at("name").as_string());
    const NumericSummary r = Exact(Doubles(o.at("ref"))), cur = Exact(Doubles(o.at("cur")));
    for (const char* test : {"jensenshannon", "psi", "kl", "hellinger", "wasserstein"}) {
      DriftFeatureSpec spec = testing::Spec("x", config::FeatureType::kNumeric, test);
      const FeatureResult f =
          EvaluateFeature(spec, {&r, nullptr}, {&cur, nullptr}, Preset(config::DriftPreset::kEvidently), 1);
      ASSERT_TRUE(f.judged) << name << " " << test << " " << f.note;
      EXPECT_EQ(f.mode, "exact");
      ExpectRel(f.statistic, o.at(test).to_number<double>(), name + " " + test);
      EXPECT_EQ(f.drifted, f.statistic >= 0.1) << name << " " << test;  // Evidently: >= threshold
    }
  }
}

// Oracle: NannyML ContinuousJensenShannonDistance / ContinuousHellingerDistance
// (Doane bins of the reference, extra bin for current mass outside them, base 2).
TEST(NannymlPreset, ContinuousJensenShannonAndHellingerMatch) {
  for (const auto& c : Cases().at("nannyml_numeric").as_array()) {
    const auto& o = c.as_object();
    const std::string name(o.at("name").as_string());
    const NumericSummary r = Exact(Doubles(o.at("ref"))), cur = Exact(Doubles(o.at("cur")));
    for (const char* test : {"jensenshannon", "hellinger"}) {
      DriftFeatureSpec spec = testing::Spec("x", config::FeatureType::kNumeric, test);
      const FeatureResult f =
          EvaluateFeature(spec, {&r, nullptr}, {&cur, nullptr}, Preset(config::DriftPreset::kNannyml), 1);
      ASSERT_TRUE(f.judged) << name << " " << f.note;
      ExpectRel(f.statistic, o.at(test).to_number<double>(), name + " " + test);
    }
    // "auto" under the nannyml preset is the same Jensen-Shannon distance.
    const FeatureResult a = EvaluateFeature(testing::Spec("x", config::FeatureType::kNumeric), {&r, nullptr}, {&cur, nullptr},
                                            Preset(config::DriftPreset::kNannyml), 1);
    EXPECT_EQ(a.test, TestKind::kJensenShannon);
    ExpectRel(a.statistic, o.at("jensenshannon").to_number<double>(), name + " auto");
  }
}

// Oracle: NannyML KolmogorovSmirnovStatistic with calculation_method "auto"
// and a reference of 12,000 values (10,000 equal-width bins); the p-value is
// scipy.stats.kstwo.sf(D, round(n m / (n + m))).
TEST(NannymlPreset, BinnedKsForLargeReferences) {
  const auto& o = Cases().at("nannyml_ks").as_object();
  const NumericSummary r = Exact(Doubles(o.at("ref"))), cur = Exact(Doubles(o.at("cur")));
  DriftFeatureSpec spec = testing::Spec("x", config::FeatureType::kNumeric, "ks");
  const FeatureResult f = EvaluateFeature(spec, {&r, nullptr}, {&cur, nullptr}, Preset(config::DriftPreset::kNannyml), 1);
  ASSERT_TRUE(f.judged) << f.note;
  ExpectRel(f.statistic, o.at("statistic").to_number<double>(), "D");
  ASSERT_TRUE(f.p_value);
  ExpectRel(*f.p_value, o.at("p_value").to_number<double>(), "p");
  // The exact two-sample D differs: the binned form is NannyML's own.
  const FeatureResult e = EvaluateFeature(spec, {&r, nullptr}, {&cur, nullptr}, Preset(config::DriftPreset::kEvidently), 1);
  EXPECT_NE(e.statistic, f.statistic);
}

// Oracle: NannyML CategoricalJensenShannonDistance (reference categories plus
// one bin for unseen ones, base 2) and Chi2Statistic (scipy chi2_contingency).
TEST(NannymlPreset, CategoricalJensenShannonAndChi2Match) {
  const auto& o = Cases().at("nannyml_categorical").as_object();
  CategoricalCounts r, c;
  for (const auto& kv : o.at("ref").as_object()) r.Add(kv.key(), kv.value().to_number<std::uint64_t>());
  for (const auto& kv : o.at("cur").as_object()) c.Add(kv.key(), kv.value().to_number<std::uint64_t>());
  const auto cfg = Preset(config::DriftPreset::kNannyml);
  const FeatureResult js = EvaluateFeature(testing::Spec("k", config::FeatureType::kCategorical), {nullptr, &r}, {nullptr, &c}, cfg, 1);
  ExpectRel(js.statistic, o.at("jensenshannon").to_number<double>(), "js");
  const FeatureResult chi =
      EvaluateFeature(testing::Spec("k", config::FeatureType::kCategorical, "chi2"), {nullptr, &r}, {nullptr, &c}, cfg, 1);
  ExpectRel(chi.statistic, o.at("chi2_statistic").to_number<double>(), "chi2");
  ASSERT_TRUE(chi.p_value);
  ExpectRel(*chi.p_value, o.at("chi2_p_value").to_number<double>(), "chi2 p");
}

// Oracle: NannyML calibration (chunk JS vs the whole reference, then
// np.mean + 3 * np.std), through the same EvaluateFeature path the report uses.
TEST(NannymlPreset, ChunkStatisticsFeedTheCalibratedThreshold) {
  const auto& o = Cases().at("nannyml_calibration").as_object();
  const std::vector<double> ref = Doubles(o.at("ref"));
  const auto rows = o.at("chunk_rows").to_number<std::size_t>();
  const std::vector<double> expected = Doubles(o.at("chunk_js"));
  const NumericSummary r = Exact(ref);
  std::vector<double> got;
  for (std::size_t i = 0; i < ref.size(); i += rows) {
    const NumericSummary chunk = Exact(std::vector<double>(ref.begin() + static_cast<std::ptrdiff_t>(i),
                                                           ref.begin() + static_cast<std::ptrdiff_t>(i + rows)));
    got.push_back(EvaluateFeature(testing::Spec("x", config::FeatureType::kNumeric), {&r, nullptr}, {&chunk, nullptr},
                                  Preset(config::DriftPreset::kNannyml), 1)
                      .statistic);
  }
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) ExpectRel(got[i], expected[i], "chunk " + std::to_string(i));
  ExpectRel(CalibratedThreshold(got, 3.0), o.at("threshold").to_number<double>(), "threshold");
}

TEST(CountInBins, SketchCountsStayWithinTheRankError) {
  std::vector<double> x;
  for (int i = 0; i < 100000; ++i) x.push_back(std::sin(i * 0.37) * 10);
  NumericSummary sketch = testing::Sketch(x);
  NumericSummary exact = Exact(x);
  const std::vector<double> edges = {-10, -5, 0, 2, 5, 10};
  const BinnedCounts s = CountInBins(sketch.View(), edges);
  const BinnedCounts e = CountInBins(exact.View(), edges);
  double cum_s = s.below, cum_e = e.below;
  for (std::size_t i = 0; i < e.counts.size(); ++i) {
    cum_s += s.counts[i];
    cum_e += e.counts[i];
    EXPECT_LE(std::abs(cum_s - cum_e), sketch.epsilon() * 100000 + 1) << i;
  }
}

}  // namespace
}  // namespace driftd::detectors
