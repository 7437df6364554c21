// Distances and divergences between two histograms (numeric bins or
// categories), given as aligned vectors of non-negative counts or shares:
// bin i of `ref` and bin i of `cur` describe the same interval or category.
// Each vector is first normalised to shares p (reference) and q (current).
//
//   PSI         sum_i (q_i - p_i) ln(q_i / p_i)                 (Evidently "psi")
//   KL          sum_i p_i ln(p_i / q_i)  = KL(ref || cur)        (scipy.stats.entropy)
//   JS distance sqrt( (KL(p || m) + KL(q || m)) / 2 ), m = (p + q) / 2,
//               logarithms in base e or base 2     (scipy.spatial.distance.jensenshannon)
//   Hellinger   sqrt( sum_i (sqrt p_i - sqrt q_i)^2 / 2 ), in [0, 1]
//
// Empty bins: PSI and KL are infinite when a share is zero on one side only.
// ZeroFill::kEvidently replaces zero shares, per vector, by 1e-4, or by
// (smallest non-zero share) / 1e6 when that share is <= 1e-4 (Evidently's
// get_binned_data(feel_zeroes=True)); KL then renormalises as scipy's
// entropy does. A bin empty on both sides contributes nothing.
//
// All functions return std::nullopt when the vectors are empty, differ in
// length, hold a negative or non-finite entry, or one of them sums to zero.
#ifndef DRIFTD_DETECTORS_STATS_DIVERGENCE_H_
#define DRIFTD_DETECTORS_STATS_DIVERGENCE_H_

#include <optional>
#include <span>
#include <vector>

namespace driftd::detectors::stats {

enum class ZeroFill { kNone, kEvidently };

// Counts -> shares summing to 1. std::nullopt on the failures listed above.
[[nodiscard]] std::optional<std::vector<double>> ToShares(std::span<const double> counts);

// Evidently's replacement of zero shares (see above), applied in place.
void FillZeroShares(std::vector<double>& shares);

// Population stability index. Evidently fills zeros, hence the default.
[[nodiscard]] std::optional<double> PopulationStabilityIndex(
    std::span<const double> ref, std::span<const double> cur,
    ZeroFill fill = ZeroFill::kEvidently);

// Kullback-Leibler divergence KL(ref || cur) in nats.
[[nodiscard]] std::optional<double> KullbackLeibler(std::span<const double> ref,
                                                    std::span<const double> cur,
                                                    ZeroFill fill = ZeroFill::kEvidently);

// Jensen-Shannon distance; base e by default (bounded by sqrt(ln 2)), base 2
// bounds it by 1. REQUIRES: base > 0 and base != 1.
[[nodiscard]] std::optional<double> JensenShannonDistance(std::span<const double> ref,
                                                          std::span<const double> cur,
                                                          double base = 0.0 /* e */);

// Hellinger distance in [0, 1].
[[nodiscard]] std::optional<double> HellingerDistance(std::span<const double> ref,
                                                      std::span<const double> cur);

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_DIVERGENCE_H_
