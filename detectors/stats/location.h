// Two-sample location tests for numeric columns.
//
// Student's t-test (Evidently's "t_test" = scipy.stats.ttest_ind(ref, cur),
// equal_var=True, two-sided):
//   s_p^2 = ((n - 1) s_x^2 + (m - 1) s_y^2) / (n + m - 2)   (s^2 with ddof 1)
//   t = (mean_x - mean_y) / sqrt(s_p^2 (1/n + 1/m)),
//   p = 2 P(T_{n+m-2} >= |t|)                              (Student's t, Boost.Math)
// A zero pooled variance with different means gives t = +-inf and p = 0.
//
// Mann-Whitney U (Evidently's "mannw" = scipy.stats.mannwhitneyu(ref, cur,
// alternative="less"), use_continuity=True, method="auto"):
//   U1 = R1 - n (n + 1) / 2, R1 the sum of the reference's midranks in the
//   pooled sample; U2 = n m - U1.
//   two-sided: U = max(U1, U2), p = 2 P(U' >= U) (capped at 1);
//   less:      U = U2,          p = P(U' >= U2)  (reference stochastically
//                                                 smaller than current);
//   greater:   U = U1,          p = P(U' >= U1).
//   exact: the null distribution of U without ties (coefficients of the
//     Gaussian binomial [n + m choose n]_q / C(n + m, n)); chosen by kAuto
//     when min(n, m) <= 8 and there are no ties, as scipy does.
//   asymptotic: z = (U - n m / 2 - 0.5) / sigma,
//     sigma^2 = n m / 12 ((N + 1) - sum_k (t_k^3 - t_k) / (N (N - 1))),
//     t_k the sizes of the tie groups, N = n + m; p = P(Z >= z) times 2 for
//     two-sided. All values tied (sigma = 0) gives p = 1.
// The result's statistic is U1 (scipy's), whatever the alternative.
#ifndef DRIFTD_DETECTORS_STATS_LOCATION_H_
#define DRIFTD_DETECTORS_STATS_LOCATION_H_

#include <cstdint>
#include <optional>
#include <span>

#include "detectors/stats/result.h"

namespace driftd::detectors::stats {

// Samples in any order; a sample of one value contributes no squares to
// s_p^2, as in scipy. Returns std::nullopt when a sample is empty, n + m < 3,
// a value is not finite, or both samples are constant and equal (scipy
// returns NaN for these).
[[nodiscard]] std::optional<TestResult> StudentTTest(std::span<const double> ref,
                                                     std::span<const double> cur);

// The same test from sample moments: sizes, means and unbiased (ddof 1)
// variances (0 for a single value), e.g. a summary's Welford moments.
// Same failures.
[[nodiscard]] std::optional<TestResult> StudentTTestFromMoments(double n, double mean_ref,
                                                                double var_ref, double m,
                                                                double mean_cur, double var_cur);

enum class Alternative { kTwoSided, kLess, kGreater };
enum class MannWhitneyMethod { kAuto, kExact, kAsymptotic };

// REQUIRES: both spans sorted ascending.
// Returns std::nullopt when a sample is empty or holds a non-finite value.
[[nodiscard]] std::optional<TestResult> MannWhitneyU(
    std::span<const double> sorted_ref, std::span<const double> sorted_cur,
    Alternative alternative = Alternative::kTwoSided,
    MannWhitneyMethod method = MannWhitneyMethod::kAuto);

// Largest n m for which the exact distribution is tabulated; a forced exact
// method beyond it falls back to the asymptotic one.
inline constexpr double kMannWhitneyMaxExactCells = 1e8;

// P(U' >= u) under the null without ties, U' the statistic of samples of
// sizes n and m. Returns std::nullopt when n or m is not positive, u is
// outside [0, n m], or n m > kMannWhitneyMaxExactCells. Exposed for tests.
[[nodiscard]] std::optional<double> MannWhitneyExactSf(std::int64_t n, std::int64_t m,
                                                       std::int64_t u);

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_LOCATION_H_
