// Total variation distance with a permutation p-value (Evidently's "TVD"
// test) over aligned count vectors (conventions of categorical.h).
//
// Statistic: TVD = (1/2) sum_i |ref_i / n - cur_i / m|, n and m the totals.
// p-value: the pooled n + m observations are relabelled B times at random
// (n to the reference, m to the current side: a uniformly random
// permutation, drawn as a partial Fisher-Yates shuffle from mt19937_64
// seeded with `seed`, so equal inputs always give equal p-values), and
//   p = #{b : TVD_b >= TVD} / B        (Evidently's permutation_test).
// The comparison is made on the integer 2 n m TVD = sum_i |ref_i m - cur_i n|,
// so permutations whose TVD equals the observed one count exactly (a
// floating-point TVD may differ from an equal one in the last bit,
// depending on the order of the categories).
// Evidently draws its permutations from numpy's global RandomState seeded
// with 0; driftd's stream differs, so the two agree within Monte Carlo
// error, sqrt(p (1 - p) / B), not bit for bit.
//
// Cost: O(B min(n, m)) time and O(n + m) memory.
#ifndef DRIFTD_DETECTORS_STATS_PERMUTATION_H_
#define DRIFTD_DETECTORS_STATS_PERMUTATION_H_

#include <cstdint>
#include <optional>
#include <span>

#include "detectors/stats/result.h"

namespace driftd::detectors::stats {

struct PermutationOptions {
  int permutations = 1000;    // B, Evidently's iterations; must be >= 1
  std::uint64_t seed = 1234;  // fixed, for reproducible p-values
};

// Returns std::nullopt when the vectors are empty, differ in length, hold a
// negative, non-finite or non-integral count, a side has no observations,
// n + m exceeds 2^31, or options.permutations < 1.
[[nodiscard]] std::optional<TestResult> TvdPermutationTest(std::span<const double> ref,
                                                           std::span<const double> cur,
                                                           const PermutationOptions& options = {});

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_PERMUTATION_H_
