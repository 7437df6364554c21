// Two-sample Kolmogorov-Smirnov test (two-sided), matching
// scipy.stats.ks_2samp(x, y, alternative="two-sided", method=...).
//
// Statistic: D = max_t |F_ref(t) - F_cur(t)| over the empirical CDFs
// (right-continuous, so ties are handled as scipy does).
//
// p-value:
//   kExact       the exact null probability P(D >= d) of the two-sample
//                statistic, counted over lattice paths (Hodges 1958; for
//                n != m the "inside" recursion of Viehmann 2021 that yields
//                1 - p directly). d is first snapped to the lattice h / lcm(n, m).
//   kAsymptotic  the one-sample two-sided Kolmogorov distribution
//                P(D_k >= d) with k = round(n m / (n + m)) (scipy's kstwo.sf),
//                computed as Simard & L'Ecuyer (2011) recommend.
//   kAuto        exact when max(n, m) <= 10000, else asymptotic; an exact
//                computation that fails numerically falls back to asymptotic.
// The result's `method` says which one produced the p-value.
#ifndef DRIFTD_DETECTORS_STATS_KS_H_
#define DRIFTD_DETECTORS_STATS_KS_H_

#include <cstdint>
#include <optional>
#include <span>

#include "detectors/stats/result.h"

namespace driftd::detectors::stats {

enum class KsMethod { kAuto, kExact, kAsymptotic };

// Sample size up to which kAuto computes the exact p-value (scipy's MAX_AUTO_N).
inline constexpr std::int64_t kKsMaxExactSize = 10000;

// REQUIRES: both spans sorted ascending.
// Returns std::nullopt when either sample is empty or holds a non-finite value.
[[nodiscard]] std::optional<TestResult> KolmogorovSmirnov(std::span<const double> sorted_ref,
                                                          std::span<const double> sorted_cur,
                                                          KsMethod method = KsMethod::kAuto);

// The exact two-sided p-value P(D_{n,m} >= h / lcm(n, m)) under the null.
// Returns std::nullopt when n or m is not positive, h is negative, or the
// computation is not finite. Exposed for tests and for callers holding only
// the statistic.
[[nodiscard]] std::optional<double> KsExactPValue(std::int64_t n, std::int64_t m, std::int64_t h);

// P(D_k >= d) for the one-sample two-sided Kolmogorov statistic with k
// observations (scipy.stats.kstwo.sf(d, k)). REQUIRES: k >= 1.
[[nodiscard]] double KolmogorovSf(std::int64_t k, double d);

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_KS_H_
