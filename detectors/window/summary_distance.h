// Two-sample distances between summaries, with the mode and the error bound
// that produced them. These are the statistics' inputs when a window is in
// sketch mode; for exact samples detectors/stats computes the same D (and its
// p-value) from SortedSample().
//
// Both walk the union of the two step CDFs (right-continuous, ties grouped):
//   KS D   = sup_x |F_a(x) - F_b(x)|           (scipy.stats.ks_2samp statistic)
//   W1     = integral |F_a(x) - F_b(x)| dx      (scipy.stats.wasserstein_distance)
// Exact inputs give the exact values in O(n + m).
//
// Error bounds, with eps_a, eps_b the uniform rank errors of the inputs
// (WeightedSortedView::epsilon(); 0 for exact samples):
//   |D_est - D|   <= eps_a + eps_b
//   |W1_est - W1| <= (eps_a + eps_b) * (max - min) over both inputs' true range,
// because |F_est - F| <= eps everywhere and both CDFs are 0 below the common
// minimum and 1 above the common maximum. The sketch bound holds with the
// sketches' confidence (99% each for KLL).
//
// A KS p-value from sketches is only meaningful when eps_a + eps_b is far
// below the test's critical distance; KsCriticalDistance() gives the 5% one.
#ifndef DRIFTD_DETECTORS_WINDOW_SUMMARY_DISTANCE_H_
#define DRIFTD_DETECTORS_WINDOW_SUMMARY_DISTANCE_H_

#include <cstdint>
#include <optional>

#include "detectors/sketch/sorted_view.h"
#include "detectors/window/numeric_summary.h"

namespace driftd::detectors {

struct DistanceEstimate {
  double value = 0.0;
  // |value - exact value| <= error_bound (0 when mode is kExact).
  double error_bound = 0.0;
  // kExact only when both inputs were exact samples.
  SummaryMode mode = SummaryMode::kExact;
};

// std::nullopt when either input is empty.
[[nodiscard]] std::optional<DistanceEstimate> KsDistance(const WeightedSortedView& a,
                                                         const WeightedSortedView& b);
[[nodiscard]] std::optional<DistanceEstimate> Wasserstein1Distance(const WeightedSortedView& a,
                                                                   const WeightedSortedView& b);
// Same, on the summaries' View().
[[nodiscard]] std::optional<DistanceEstimate> KsDistance(const NumericSummary& a, const NumericSummary& b);
[[nodiscard]] std::optional<DistanceEstimate> Wasserstein1Distance(const NumericSummary& a,
                                                                   const NumericSummary& b);

// 1.358 * sqrt((n + m) / (n m)): the asymptotic 5% critical value of the
// two-sample KS statistic. REQUIRES: n, m > 0.
double KsCriticalDistance(std::uint64_t n, std::uint64_t m);

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_WINDOW_SUMMARY_DISTANCE_H_
