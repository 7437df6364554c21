// Energy distance between two one-dimensional empirical distributions,
// matching scipy.stats.energy_distance (Evidently's "ed" drift score):
//   E = sqrt(2) * sqrt( integral (F_u(t) - F_v(t))^2 dt ),
// which equals sqrt(2 E|X - Y| - E|X - X'| - E|Y - Y'|) (Szekely & Rizzo).
// It is a distance in the data's units (0 for equal samples), not a
// p-value; Evidently flags drift when E > threshold (default 0.1).
#ifndef DRIFTD_DETECTORS_STATS_ENERGY_H_
#define DRIFTD_DETECTORS_STATS_ENERGY_H_

#include <optional>
#include <span>

namespace driftd::detectors::stats {

// REQUIRES: both spans sorted ascending. One linear walk, no allocation.
// Returns std::nullopt when a sample is empty or holds a non-finite value.
[[nodiscard]] std::optional<double> EnergyDistance(std::span<const double> sorted_u,
                                                   std::span<const double> sorted_v);

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_ENERGY_H_
