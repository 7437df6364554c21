// Wasserstein-1 (earth mover's) distance between two one-dimensional
// empirical distributions, matching scipy.stats.wasserstein_distance:
//   W1 = integral |F_u(t) - F_v(t)| dt
// evaluated exactly as a sum over the merged quantile breakpoints
// (integral of |F_u^-1 - F_v^-1| over (0, 1), the same area): one linear
// walk over the two sorted samples, no allocation, no data-dependent branch.
#ifndef DRIFTD_DETECTORS_STATS_WASSERSTEIN_H_
#define DRIFTD_DETECTORS_STATS_WASSERSTEIN_H_

#include <optional>
#include <span>

namespace driftd::detectors::stats {

// REQUIRES: both spans sorted ascending.
// Returns std::nullopt when a sample is empty or holds a non-finite value.
[[nodiscard]] std::optional<double> Wasserstein1(std::span<const double> sorted_u,
                                                 std::span<const double> sorted_v);

// Weighted form: value i of u carries weight u_weights[i] (any order).
// Returns std::nullopt when a sample is empty, sizes differ, a value is not
// finite, a weight is negative or not finite, or a sample's weights sum to 0.
[[nodiscard]] std::optional<double> WeightedWasserstein1(std::span<const double> u_values,
                                                         std::span<const double> u_weights,
                                                         std::span<const double> v_values,
                                                         std::span<const double> v_weights);

// Population standard deviation (ddof = 0) in two passes, as numpy's np.std.
// REQUIRES: xs not empty.
[[nodiscard]] double PopulationStdDev(std::span<const double> xs);

// Smallest reference standard deviation used by the normalised distance.
inline constexpr double kWassersteinMinNorm = 0.001;

// Evidently's "wasserstein" drift score: W1(ref, cur) / max(std(ref), 0.001),
// with the population standard deviation (ddof = 0) of the reference. A value
// of 0.1 means the distributions differ by a tenth of a reference standard
// deviation of mass movement (Evidently's default threshold).
// REQUIRES: both spans sorted ascending. Same failures as Wasserstein1.
[[nodiscard]] std::optional<double> NormedWasserstein1(std::span<const double> sorted_ref,
                                                       std::span<const double> sorted_cur);

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_WASSERSTEIN_H_
