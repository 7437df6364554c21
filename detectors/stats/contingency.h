// Categorical two-sample tests over aligned count vectors (see
// categorical.h for the conventions: entry i of `ref` and `cur` count the
// same category; categories empty on both sides are dropped).
//
// G-test (Evidently's "g_test" = scipy.stats.power_divergence(cur, E,
// lambda_="log-likelihood")):
//   E_i = ref_i * (n_cur / n_ref),  G = 2 sum_i cur_i ln(cur_i / E_i)
//   (a term with cur_i = 0 is 0), p = P(chi2_{K-1} >= G).
//   A category seen only in the current window (E_i = 0 < cur_i) makes G
//   infinite and p = 0. With K == 1, G = 0 and p = 1 (scipy: NaN).
//
// Fisher's exact test (Evidently's "fisher_exact" = scipy.stats.fisher_exact
// on the 2 x 2 table [[cur_a, cur_b], [ref_a, ref_b]], two-sided): with X
// the hypergeometric count in cell (0, 0) given the margins,
//   p = sum of P(X = x) over the tables at most as probable as the
//   observed one (relative tolerance 1e-14, as scipy); p = 1 when a row or
//   column of the table is empty. The statistic is the sample odds ratio
//   (cur_a ref_b) / (cur_b ref_a) (infinite when the denominator is 0, and
//   reported as 0 when the table is degenerate).
//   Only for binary columns: more than 2 categories -> std::nullopt. One
//   category is a 2 x 2 table with an empty column (p = 1), as Evidently's
//   placeholder category gives. Evidently also insists on equal window
//   sizes; the test itself does not need them and driftd does not.
#ifndef DRIFTD_DETECTORS_STATS_CONTINGENCY_H_
#define DRIFTD_DETECTORS_STATS_CONTINGENCY_H_

#include <cstdint>
#include <optional>
#include <span>

#include "detectors/stats/result.h"

namespace driftd::detectors::stats {

// Returns std::nullopt when the vectors are empty, differ in length, hold a
// negative or non-finite count, or a side has no observations.
[[nodiscard]] std::optional<TestResult> GTest(std::span<const double> ref,
                                              std::span<const double> cur);

// Same failures, plus more than 2 categories or a non-integral count.
[[nodiscard]] std::optional<TestResult> FisherExactTest(std::span<const double> ref,
                                                        std::span<const double> cur);

// Two-sided Fisher exact p-value of the table [[a, b], [c, d]] (scipy's
// fisher_exact). std::nullopt when a cell is negative.
[[nodiscard]] std::optional<double> FisherExact2x2(std::int64_t a, std::int64_t b, std::int64_t c,
                                                   std::int64_t d);

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_CONTINGENCY_H_
