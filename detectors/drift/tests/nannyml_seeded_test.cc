// NannyML's seeded univariate-drift vectors (shared/data/oracle_vectors/
// evidently_nannyml_vectors.json, from nannyml
// tests/drift/test_univariate_drift_methods.py): samples drawn with
// np.random.seed(1); np.random.normal(...), rebuilt here by
// NumpyLegacyRandom and judged by driftd's nannyml preset. The vectors give
// the result rounded to 2 decimals; the same values at full precision,
// computed by scripts/gen_evidently_cases.py with numpy/scipy following
// NannyML's methods, are checked to 1e-9 relative.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "detectors/drift/drift.h"
#include "detectors/drift/tests/numpy_random.h"
#include "detectors/drift/tests/test_util.h"

namespace driftd::detectors {
namespace {

using testing::Doubles;
using testing::Exact;
using testing::NumpyLegacyRandom;

boost::json::value LoadJson(const std::string& path) {
  std::ifstream f(path);
  EXPECT_TRUE(f.good()) << path;
  std::stringstream s;
  s << f.rdbuf();
  return boost::json::parse(s.str());
}

const boost::json::object& StatsCases() {
  static const boost::json::value v = LoadJson(DRIFTD_EVIDENTLY_CASES);
  return v.as_object();
}

// Oracle: numpy 2.2.6, np.random.seed(1); np.random.normal(0, 1, 10000) then
// normal(0, 1, 5) (values recorded by gen_evidently_cases.py).
TEST(NumpyLegacyRandom, MatchesNumpyDraws) {
  const auto& o = StatsCases().at("numpy_legacy").as_object();
  NumpyLegacyRandom rng(1);
  const std::vector<double> first = rng.Normal(0, 1, 10000);
  const std::vector<double> next = rng.Normal(0, 1, 5);
  const std::vector<double> want_first = Doubles(o.at("normal_0_1_first5"));
  const std::vector<double> want_next = Doubles(o.at("normal_0_1_next5"));
  for (std::size_t i = 0; i < 5; ++i) {
    // Same operations in the same order: equal to the last bit but for
    // libm's log, which glibc rounds correctly; allow one ulp.
    EXPECT_NEAR(first[i], want_first[i], 2e-16 * std::abs(want_first[i])) << i;
    EXPECT_NEAR(next[i], want_next[i], 2e-16 * std::abs(want_next[i])) << i;
  }
  EXPECT_NEAR(first[9999], o.at("normal_0_1_index_9999").to_number<double>(), 1e-15);
}

config::DriftConfig Nannyml() {
  config::DriftConfig c;
  c.preset = config::DriftPreset::kNannyml;
  return c;
}

// Draws (loc, scale, size) for reference, then current, from one seed-1 stream.
std::pair<NumericSummary, NumericSummary> Draw(const std::vector<double>& ref,
                                               const std::vector<double>& cur) {
  NumpyLegacyRandom rng(1);
  const std::vector<double> r = rng.Normal(ref[0], ref[1], static_cast<std::size_t>(ref[2]));
  const std::vector<double> c = rng.Normal(cur[0], cur[1], static_cast<std::size_t>(cur[2]));
  return {Exact(r), Exact(c)};
}

std::string TestFor(const std::string& method) {
  if (method.starts_with("jensen_shannon")) return "jensenshannon";
  if (method.starts_with("wasserstein")) return "wasserstein";
  if (method.starts_with("hellinger")) return "hellinger";
  return "";
}

// Full precision: NannyML's computation replayed with numpy/scipy.
TEST(NannymlSeeded, PresetMatchesNannymlComputation) {
  int checked = 0;
  for (const auto& c : StatsCases().at("nannyml_seeded").as_array()) {
    const auto& o = c.as_object();
    const std::string method(o.at("method").as_string());
    const auto [ref, cur] = Draw(Doubles(o.at("ref")), Doubles(o.at("cur")));
    const FeatureResult f =
        EvaluateFeature(testing::Spec("x", config::FeatureType::kNumeric, TestFor(method)),
                        {&ref, nullptr}, {&cur, nullptr}, Nannyml(), 1);
    ASSERT_TRUE(f.judged) << method << " " << f.note;
    EXPECT_EQ(f.mode, "exact");
    const double want = o.at("value").to_number<double>();
    EXPECT_NEAR(f.statistic, want, 1e-9 * want) << method;
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

// The shared vectors themselves: NannyML's expected values, rounded to 2 decimals.
TEST(NannymlSeeded, SharedVectorsRoundToExpected) {
  const boost::json::value v = LoadJson(std::string(DRIFTD_SHARED_DATA_DIR) +
                                        "/oracle_vectors/evidently_nannyml_vectors.json");
  // "np.random.seed(1); normal(0,1,10000)" / "next normal(1,1,1000)"
  auto parse = [](const std::string& e) {
    const std::size_t open = e.find("normal(");
    std::vector<double> out;
    std::stringstream s(e.substr(open + 7));
    for (int i = 0; i < 3; ++i) {
      double x = 0;
      s >> x;
      s.ignore(1);
      out.push_back(x);
    }
    return out;
  };
  int seeded = 0;
  for (const auto& c : v.as_object().at("nannyml").as_array()) {
    const auto& o = c.as_object();
    const std::string method(o.at("method").as_string());
    if (method.find("seeded") == std::string::npos) continue;
    const std::string ref_expr(o.at("ref").as_string()), cur_expr(o.at("cur").as_string());
    ASSERT_TRUE(ref_expr.starts_with("np.random.seed(1); normal(")) << ref_expr;
    ASSERT_TRUE(cur_expr.starts_with("next normal(")) << cur_expr;
    const auto [ref, cur] = Draw(parse(ref_expr), parse(cur_expr));
    const FeatureResult f =
        EvaluateFeature(testing::Spec("x", config::FeatureType::kNumeric, TestFor(method)),
                        {&ref, nullptr}, {&cur, nullptr}, Nannyml(), 1);
    ASSERT_TRUE(f.judged) << method << " " << f.note;
    EXPECT_DOUBLE_EQ(std::round(f.statistic * 100) / 100,
                     o.at("expected_round2").to_number<double>())
        << method << " " << f.statistic;
    ++seeded;
  }
  EXPECT_EQ(seeded, 3);
}

}  // namespace
}  // namespace driftd::detectors
