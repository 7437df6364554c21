// Two-sample Cramér-von Mises test, matching scipy.stats.cramervonmises_2samp.
//
// With midranks r_i of the n reference values and s_j of the m current values
// in the pooled sample (each sample sorted), N = n + m:
//   U = n sum_i (r_i - i)^2 + m sum_j (s_j - j)^2
//   T = U / (n m N) - (4 n m - 1) / (6 N)                 (Anderson 1962)
// p-value:
//   kExact       P(U' >= U) under the null, by enumerating the distribution of
//                U over all C(N, n) rank assignments (Xiao, Gordon & Yakovlev
//                2006, Algorithm 1); cost grows quickly, so only for small samples.
//   kAsymptotic  T standardised by its exact mean and variance, referred to the
//                limiting one-sample Cramér-von Mises distribution (Csörgő &
//                Faraway 1996), series truncated at terms below 1e-7 as scipy does.
//   kAuto        exact when max(n, m) <= 20, else asymptotic.
#ifndef DRIFTD_DETECTORS_STATS_CVM_H_
#define DRIFTD_DETECTORS_STATS_CVM_H_

#include <cstdint>
#include <optional>
#include <span>

#include "detectors/stats/result.h"

namespace driftd::detectors::stats {

enum class CvmMethod { kAuto, kExact, kAsymptotic };

// Largest sample size for which kAuto computes the exact p-value.
inline constexpr std::int64_t kCvmMaxExactSize = 20;

// REQUIRES: both spans sorted ascending.
// Returns std::nullopt when a sample has fewer than 2 values or a value is not
// finite.
[[nodiscard]] std::optional<TestResult> CramerVonMises2Sample(std::span<const double> sorted_ref,
                                                              std::span<const double> sorted_cur,
                                                              CvmMethod method = CvmMethod::kAuto);

// Exact P(U' >= u) for sample sizes n and m (scipy's _pval_cvm_2samp_exact).
// Returns std::nullopt when n or m < 1 or n + m > 60 (the count would overflow).
[[nodiscard]] std::optional<double> CvmExactPValue(double u, std::int64_t n, std::int64_t m);

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_CVM_H_
