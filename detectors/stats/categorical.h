// Drift tests for categorical columns over aligned count vectors: entry i of
// `ref` and of `cur` count the same category in the reference and current
// window (the caller builds the union of categories, e.g. reference
// categories first, then unseen ones). Histogram distances over the same
// vectors (PSI, KL, Jensen-Shannon, Hellinger) are in divergence.h.
//
// All functions return std::nullopt when the vectors are empty, differ in
// length, hold a negative or non-finite count, or a side has no observations.
#ifndef DRIFTD_DETECTORS_STATS_CATEGORICAL_H_
#define DRIFTD_DETECTORS_STATS_CATEGORICAL_H_

#include <optional>
#include <span>

#include "detectors/stats/result.h"

namespace driftd::detectors::stats {

// Pearson goodness-of-fit of the current counts against the reference shares
// scaled to the current total (Evidently's "chisquare"):
//   E_i = ref_i * n_cur / n_ref,  X^2 = sum_i (cur_i - E_i)^2 / E_i,
//   p = P(chi2_{K-1} >= X^2)   (scipy.stats.chisquare(cur, E)).
// A category seen only in the current window (E_i = 0 < cur_i) makes X^2
// infinite and p = 0; categories empty on both sides are dropped, and K
// counts the rest. With K == 1 the statistic is 0 and p = 1.
[[nodiscard]] std::optional<TestResult> ChiSquareGoodnessOfFit(std::span<const double> ref,
                                                               std::span<const double> cur);

// Pearson chi-square test of independence on the 2 x K contingency table
// [ref; cur] (NannyML's "chi2", scipy.stats.chi2_contingency): expected
// counts from the margins, K - 1 degrees of freedom over the categories seen
// at least once, and Yates' continuity correction when K - 1 == 1.
[[nodiscard]] std::optional<TestResult> ChiSquareContingency(std::span<const double> ref,
                                                             std::span<const double> cur);

// Two-proportion z-test for a binary column (Evidently's "z"):
//   p1 = ref_hits / ref_n, p2 = cur_hits / cur_n, P = (ref_hits + cur_hits) / (ref_n + cur_n)
//   z = (p1 - p2) / sqrt(P (1 - P) (1/ref_n + 1/cur_n)),  p = 2 (1 - Phi(|z|)).
// When P is 0 or 1 (one constant value in both windows) z = 0 and p = 1.
// Returns std::nullopt when a size is not positive or hits are outside [0, n].
[[nodiscard]] std::optional<TestResult> TwoProportionZTest(double ref_hits, double ref_n,
                                                           double cur_hits, double cur_n);

// L-infinity distance max_i |p_i - q_i| between the category shares (NannyML).
[[nodiscard]] std::optional<double> LInfinityDistance(std::span<const double> ref,
                                                      std::span<const double> cur);

// Total variation distance (1/2) sum_i |p_i - q_i|, in [0, 1].
[[nodiscard]] std::optional<double> TotalVariationDistance(std::span<const double> ref,
                                                           std::span<const double> cur);

// Share of current observations whose category never occurs in the
// reference: sum_{i: ref_i == 0} cur_i / sum_i cur_i.
[[nodiscard]] std::optional<double> UnseenShare(std::span<const double> ref,
                                                std::span<const double> cur);

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_CATEGORICAL_H_
