// Test names, default thresholds and the per-model decision (correction,
// effect-size gating, dataset drift). Evaluation of one feature is in
// evaluate.cc.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "detectors/drift/drift.h"

namespace driftd::detectors {

std::optional<TestKind> ParseTestName(std::string_view name) {
  struct Entry {
    std::string_view name;
    TestKind test;
  };
  static constexpr Entry kNames[] = {
      {"ks", TestKind::kKs},
      {"wasserstein", TestKind::kWasserstein},
      {"psi", TestKind::kPsi},
      {"kl", TestKind::kKl},
      {"kl_div", TestKind::kKl},
      {"jensenshannon", TestKind::kJensenShannon},
      {"js", TestKind::kJensenShannon},
      {"jensen_shannon", TestKind::kJensenShannon},
      {"hellinger", TestKind::kHellinger},
      {"cramervonmises", TestKind::kCramerVonMises},
      {"cramer_von_mises", TestKind::kCramerVonMises},
      {"cvm", TestKind::kCramerVonMises},
      {"anderson", TestKind::kAnderson},
      {"chisquare", TestKind::kChiSquare},
      {"chi2", TestKind::kChiSquare},
      {"z", TestKind::kZTest},
      {"ztest", TestKind::kZTest},
      {"linf", TestKind::kLinf},
      {"l_infinity", TestKind::kLinf},
      {"tvd", TestKind::kTvd},
      {"g_test", TestKind::kGTest},
      {"gtest", TestKind::kGTest},
      {"t_test", TestKind::kTTest},
      {"ttest", TestKind::kTTest},
      {"mannw", TestKind::kMannWhitney},
      {"mann_whitney", TestKind::kMannWhitney},
      {"energy_distance", TestKind::kEnergyDistance},
      {"ed", TestKind::kEnergyDistance},
      {"energy", TestKind::kEnergyDistance},
      {"fisher_exact", TestKind::kFisherExact},
      {"fisher", TestKind::kFisherExact},
      {"tvd_perm", TestKind::kTvdPermutation},
      {"tvd_permutation", TestKind::kTvdPermutation},
      {"TVD", TestKind::kTvdPermutation},
  };
  for (const Entry& e : kNames) {
    if (e.name == name) return e.test;
  }
  return std::nullopt;
}

const char* TestName(TestKind test) {
  switch (test) {
    case TestKind::kKs: return "ks";
    case TestKind::kWasserstein: return "wasserstein";
    case TestKind::kPsi: return "psi";
    case TestKind::kKl: return "kl";
    case TestKind::kJensenShannon: return "jensenshannon";
    case TestKind::kHellinger: return "hellinger";
    case TestKind::kCramerVonMises: return "cramervonmises";
    case TestKind::kAnderson: return "anderson";
    case TestKind::kChiSquare: return "chisquare";
    case TestKind::kZTest: return "ztest";
    case TestKind::kLinf: return "linf";
    case TestKind::kTvd: return "tvd";
    case TestKind::kGTest:
      return "g_test";
    case TestKind::kTTest:
      return "t_test";
    case TestKind::kMannWhitney:
      return "mannw";
    case TestKind::kEnergyDistance:
      return "energy_distance";
    case TestKind::kFisherExact:
      return "fisher_exact";
    case TestKind::kTvdPermutation:
      return "tvd_perm";
  }
  return "unknown";
}

bool IsPValueTest(TestKind test) {
  switch (test) {
    case TestKind::kKs:
    case TestKind::kCramerVonMises:
    case TestKind::kAnderson:
    case TestKind::kChiSquare:
    case TestKind::kZTest:
    case TestKind::kGTest:
    case TestKind::kTTest:
    case TestKind::kMannWhitney:
    case TestKind::kFisherExact:
    case TestKind::kTvdPermutation:
      return true;
    default:
      return false;
  }
}

bool IsNumericOnlyTest(TestKind test) {
  return test == TestKind::kKs || test == TestKind::kWasserstein ||
         test == TestKind::kCramerVonMises || test == TestKind::kAnderson ||
         test == TestKind::kTTest || test == TestKind::kMannWhitney ||
         test == TestKind::kEnergyDistance;
}

double DefaultThreshold(TestKind test, config::DriftPreset /*preset*/) {
  // Evidently's and NannyML's fixed defaults agree (p < 0.05; distances
  // 0.1); NannyML's calibrated distance thresholds are passed in by the
  // caller when reference chunks exist. Evidently registers the G-test,
  // Fisher's exact test and the permutation TVD with 0.1.
  switch (test) {
    case TestKind::kGTest:
    case TestKind::kFisherExact:
    case TestKind::kTvdPermutation:
      return 0.1;
    default:
      return IsPValueTest(test) ? 0.05 : 0.1;
  }
}

std::vector<double> AdjustPValues(std::span<const double> p_values, config::Correction correction) {
  const std::size_t n = p_values.size();
  std::vector<double> out(p_values.begin(), p_values.end());
  if (n == 0 || correction == config::Correction::kNone) return out;
  if (correction == config::Correction::kBonferroni) {
    for (double& p : out) p = std::min(1.0, p * static_cast<double>(n));
    return out;
  }
  // Benjamini-Hochberg step-up: p_(i) n / i, made monotone from the largest
  // rank down (statsmodels' fdr_bh), capped at 1.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  double running = std::numeric_limits<double>::infinity();
  for (std::size_t r = n; r-- > 0;) {
    const double raw = p_values[order[r]] / (static_cast<double>(r + 1) / static_cast<double>(n));
    running = std::min(running, raw);
    out[order[r]] = std::min(1.0, running);
  }
  return out;
}

double CalibratedThreshold(std::span<const double> stats, double k) {
  double sum = 0.0;
  std::size_t n = 0;
  for (double s : stats) {
    if (std::isfinite(s)) {
      sum += s;
      ++n;
    }
  }
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double mean = sum / static_cast<double>(n);
  double ss = 0.0;
  for (double s : stats) {
    if (std::isfinite(s)) ss += (s - mean) * (s - mean);
  }
  return mean + k * std::sqrt(ss / static_cast<double>(n));
}

DriftReport Decide(std::vector<FeatureResult> features, const config::DriftConfig& drift) {
  DriftReport report;
  std::vector<std::size_t> tested;
  std::vector<double> p_values;
  for (std::size_t i = 0; i < features.size(); ++i) {
    const FeatureResult& f = features[i];
    if (f.judged && IsPValueTest(f.test) && f.p_value) {
      tested.push_back(i);
      p_values.push_back(*f.p_value);
    }
  }
  const std::vector<double> adjusted = AdjustPValues(p_values, drift.correction);
  for (std::size_t j = 0; j < tested.size(); ++j) {
    FeatureResult& f = features[tested[j]];
    f.adjusted_p_value = adjusted[j];
    const bool significant = adjusted[j] < f.threshold;
    // A missing effect size (nothing to measure it on) does not veto.
    const bool large_enough = !f.effect_size || !std::isfinite(*f.effect_size) ||
                              *f.effect_size >= drift.min_effect_size;
    f.drifted = significant && large_enough;
    if (significant && !large_enough) {
      if (!f.note.empty()) f.note += "; ";
      f.note += "significant but effect size below min_effect_size";
    }
  }
  std::size_t drifted = 0;
  for (const FeatureResult& f : features) {
    if (!f.judged) continue;
    ++report.judged;
    if (f.drifted) ++drifted;
  }
  report.drift_share =
      report.judged == 0 ? 0.0 : static_cast<double>(drifted) / static_cast<double>(report.judged);
  report.dataset_drift = report.judged > 0 && report.drift_share >= drift.drift_share;
  report.features = std::move(features);
  return report;
}

}  // namespace driftd::detectors
