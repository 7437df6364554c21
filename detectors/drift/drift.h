// The drift decision layer: which test judges a feature, with which
// threshold, and how per-feature verdicts become a model's verdict
// (docs/detectors.md, "Decisions" and "Presets").
//
// Per feature (EvaluateFeature):
//   1. the test: the configured one, or for test = "auto" ChooseTest():
//      Evidently's rule (reference of at most 1000 values: KS for numeric
//      columns with more than 5 unique values, chi-square for columns with 3
//      to 5 unique values or categorical ones, z-test for at most 2 unique
//      values; larger references: normalised Wasserstein for numeric columns
//      with more than 5 unique values, Jensen-Shannon otherwise). Unique
//      values are counted over reference and current together, as Evidently
//      does. Preset kNannyml picks NannyML's defaults instead (KS for
//      numeric, chi2 contingency for categorical).
//   2. the statistic, from exact samples when both sides are exact, from the
//      summaries (KLL views, histograms) otherwise; `mode` says which.
//   3. the threshold: the spec's, else the config's calibrated one (the
//      caller passes it in the spec), else DefaultThreshold().
//   4. drifted: p-value tests when p < threshold; distances when
//      statistic >= threshold (Evidently's convention for both; Evidently's
//      energy distance uses statistic > threshold, and so does driftd).
//      Tests that need exact samples (CvM, Anderson, Mann-Whitney, energy
//      distance; on numeric columns also the G-test, Fisher and permutation
//      TVD, which count values) are not judged in sketch mode (the note
//      says so). The t-test needs only sizes, means and variances, which
//      the summaries keep in both modes (Welford).
//   Below min_samples on either side nothing is judged (judged = false,
//   drifted = false, note says why).
//
// Per model (Decide): p-values of the judged p-value tests get the
// configured multiple-testing correction (Bonferroni or Benjamini-Hochberg,
// as statsmodels.stats.multitest.multipletests); a p-value test then flags
// drift only when adjusted_p < threshold AND its effect size (normalised
// Wasserstein for numeric columns, natural-log Jensen-Shannon for
// categorical ones) is >= min_effect_size. Dataset drift when
// drifted / judged >= drift_share (and at least one feature is judged).
//
// KS in sketch mode (DESIGN.md section 12): with e = e_ref + e_cur the
// summaries' rank-error bounds and c = KsCriticalDistance(n, m), the
// p-value is reported only when e <= c / 10. Otherwise p_value is null,
// the statistic D is judged against c + e (drifted when D > c + e, i.e.
// the exact D certainly exceeds the 5% critical distance), the reported
// threshold is c + e, and the note says so.
//
// Everything here is pure computation: no I/O, no clock. Thread-safety:
// functions are reentrant; inputs are borrowed for the call only.
#ifndef DRIFTD_DETECTORS_DRIFT_DRIFT_H_
#define DRIFTD_DETECTORS_DRIFT_DRIFT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "detectors/window/categorical_counts.h"
#include "detectors/window/numeric_summary.h"
#include "detectors/window/summary_set.h"

namespace driftd::detectors {

enum class TestKind {
  kKs,           // p-value test
  kWasserstein,  // normalised Wasserstein (NannyML preset: plain W1)
  kPsi,
  kKl,
  kJensenShannon,  // natural log (NannyML preset: base 2)
  kHellinger,
  kCramerVonMises,  // p-value test
  kAnderson,        // p-value test
  kChiSquare,       // p-value test (NannyML preset: contingency form)
  kZTest,           // p-value test
  kLinf,
  kTvd,
  kGTest,           // p-value test (Evidently "g_test")
  kTTest,           // p-value test (Evidently "t_test": Student, equal variances)
  kMannWhitney,     // p-value test (Evidently "mannw": one-sided, alternative "less")
  kEnergyDistance,  // distance (Evidently "ed"); drift when > threshold
  kFisherExact,     // p-value test (Evidently "fisher_exact"), binary columns
  kTvdPermutation,  // p-value test (Evidently "TVD"): TVD with a permutation p-value
};

// Config names (docs/configuration.md): "ks", "wasserstein", "psi", "kl",
// "jensenshannon", "hellinger", "cramervonmises", "anderson", "chisquare",
// "ztest", "linf", "tvd", "g_test", "t_test", "mannw", "energy_distance",
// "fisher_exact", "tvd_perm"; also Evidently's and NannyML's spellings "js",
// "jensen_shannon", "kl_div", "cramer_von_mises", "cvm", "chi2", "z",
// "l_infinity", "ed", "TVD" (Evidently's permutation test; lower-case "tvd"
// is the plain distance), and "gtest", "ttest", "mann_whitney", "energy",
// "fisher", "tvd_permutation".
// std::nullopt for "auto" and for unknown names.
[[nodiscard]] std::optional<TestKind> ParseTestName(std::string_view name);
// The config name ("ks", "wasserstein", ..., "cramervonmises", "ztest",
// "g_test", "t_test", "mannw", "energy_distance", "fisher_exact", "tvd_perm").
const char* TestName(TestKind test);
// True for the tests whose threshold applies to a p-value.
bool IsPValueTest(TestKind test);
// True for the tests that need a numeric column (KS, Wasserstein, CvM,
// Anderson, t-test, Mann-Whitney, energy distance).
bool IsNumericOnlyTest(TestKind test);
// The test's default threshold, Evidently's: 0.05 for KS, CvM, Anderson,
// chi-square, z, t-test and Mann-Whitney; 0.1 for the G-test, Fisher's
// exact test and the permutation TVD (p-value tests Evidently registers with
// 0.1); 0.1 for the distances (Wasserstein, Jensen-Shannon, Hellinger, KL,
// L-infinity, TVD, energy distance) and PSI. Preset kNannyml thresholds of
// distances are calibrated (see CalibratedThreshold); this is the fallback
// without reference chunks.
double DefaultThreshold(TestKind test, config::DriftPreset preset);

// One side (reference or current) of one feature. Exactly one pointer is
// set, matching the feature's type; both borrowed for the call.
struct ColumnData {
  const NumericSummary* numeric = nullptr;
  const CategoricalCounts* categorical = nullptr;
};

// Column `feature` of a summary set, borrowed. REQUIRES: feature < num_features().
inline ColumnData ColumnOf(const SummarySet& set, std::size_t feature) {
  if (set.kind(feature) == FeatureKind::kNumeric) return ColumnData{&set.numeric(feature), nullptr};
  return ColumnData{nullptr, &set.categorical(feature)};
}

// What the decision needs to know about one feature (from config::FeatureConfig
// or from the report's inferred columns). Named DriftFeatureSpec because
// detectors/window/summary_set.h already has a FeatureSpec.
struct DriftFeatureSpec {
  std::string name;
  config::FeatureType type = config::FeatureType::kNumeric;
  std::string test = "auto";
  // Configured or calibrated threshold; nullopt: DefaultThreshold().
  std::optional<double> threshold;
};

struct FeatureResult {
  std::string name;
  config::FeatureType type = config::FeatureType::kNumeric;
  TestKind test = TestKind::kKs;
  double statistic = 0.0;
  std::optional<double> p_value;           // null for distances and unreliable sketch KS
  std::optional<double> adjusted_p_value;  // after Decide()'s correction
  double threshold = 0.0;
  std::optional<double> effect_size;       // p-value tests: see the file comment
  bool drifted = false;
  bool judged = false;       // false below min_samples or when untestable
  std::string mode;          // "exact" or "sketch"
  std::uint64_t reference_count = 0;
  std::uint64_t current_count = 0;
  std::string note;          // empty, or why not judged / how judged
};

struct DriftReport {
  std::vector<FeatureResult> features;  // in input order
  double drift_share = 0.0;             // drifted / judged; 0 when none judged
  bool dataset_drift = false;
  std::size_t judged = 0;
};

// The test for `spec` (see the file comment); an explicit spec.test that
// parses is returned as is. An unparsable name falls back to the auto rule.
[[nodiscard]] TestKind ChooseTest(const DriftFeatureSpec& spec, const ColumnData& reference,
                                  const ColumnData& current, config::DriftPreset preset);

// Evaluates one feature (steps 1-4 of the file comment). The summaries'
// exact samples must be sorted (NumericSummary::Sort) for the exact path;
// an unsorted exact sample is sorted into a copy.
[[nodiscard]] FeatureResult EvaluateFeature(const DriftFeatureSpec& spec, const ColumnData& reference,
                                            const ColumnData& current,
                                            const config::DriftConfig& drift,
                                            std::uint64_t min_samples);

// Correction, effect-size gating and the dataset verdict (file comment).
[[nodiscard]] DriftReport Decide(std::vector<FeatureResult> features,
                                 const config::DriftConfig& drift);

// Adjusted p-values in input order, as statsmodels' multipletests
// ("bonferroni": min(1, p k); "fdr_bh": step-up, monotone, capped at 1).
[[nodiscard]] std::vector<double> AdjustPValues(std::span<const double> p_values,
                                                config::Correction correction);

// NannyML's chunk threshold: mean + k * population standard deviation of
// the statistic over reference chunks (non-finite entries skipped).
// std::nullopt-free: returns NaN when no finite statistic is given.
double CalibratedThreshold(std::span<const double> reference_chunk_statistics, double k);

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_DRIFT_DRIFT_H_
