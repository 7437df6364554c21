// Histograms for the drift decision layer: numpy's automatic bin-count rules
// (the ones Evidently and NannyML call), counts of a step CDF over bin edges,
// and the distinct values of a numeric column.
//
// Bin rules follow numpy.histogram_bin_edges(x, bins=rule) exactly, including
// its floating-point steps: the rule gives a bin width h, the bin count is
// ceil((max - min) / h) (1 when h is 0), and the edges are
// linspace(min, max, count + 1), the range widened to [v - 0.5, v + 0.5] for
// a constant sample.
//   Sturges  h = (max - min) / (log2(n) + 1)
//   Doane    h = (max - min) / (1 + log2(n) + log2(1 + |g1| / s_g1)),
//            g1 = mean(((x - mean) / std)^3) (population std),
//            s_g1 = sqrt(6 (n - 2) / ((n + 1) (n + 3))); h = 0 when n <= 2 or
//            std == 0.
//
// Counting works on a WeightedSortedView, so the same code bins an exact
// sample (exact counts, numpy.histogram's half-open bins with the last one
// closed) and a KLL sketch (counts within n * epsilon per cumulative edge).
#ifndef DRIFTD_DETECTORS_DRIFT_HISTOGRAM_H_
#define DRIFTD_DETECTORS_DRIFT_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "detectors/sketch/sorted_view.h"

namespace driftd::detectors {

enum class BinRule { kSturges, kDoane };

// Moments the bin rules need. third_standardized_moment is g1 (Doane only).
struct SampleShape {
  std::uint64_t count = 0;
  double min = 0.0;
  double max = 0.0;
  double third_standardized_moment = 0.0;
  bool has_spread = false;  // population std > 0
  // numpy clamps the width to 1 for integer arrays (pandas int64 columns:
  // every value integral, none missing); the caller knows and sets this.
  bool integer_dtype = false;
};

// g1 and the extremes of a sorted exact sample, in numpy's operation order.
[[nodiscard]] SampleShape ShapeOf(std::span<const double> sorted);

// The edges numpy.histogram_bin_edges(x, bins=rule) returns for a sample of
// this shape. std::nullopt when count == 0 or an extreme is not finite.
[[nodiscard]] std::optional<std::vector<double>> RuleEdges(BinRule rule, const SampleShape& shape);

// Counts of `view` in the bins of `edges` (bin i = [e_i, e_i+1), the last
// closed), plus the weight below e_0 and above e_last. Counts are doubles
// because sketch counts are estimates. REQUIRES: edges ascending, size >= 2.
struct BinnedCounts {
  std::vector<double> counts;
  double below = 0.0;
  double above = 0.0;
};
[[nodiscard]] BinnedCounts CountInBins(const WeightedSortedView& view, std::span<const double> edges);

// W(items < x) / total: the left limit of the step CDF (0 when empty).
double CdfBelow(const WeightedSortedView& view, double x);

// The distinct values of the view with their weights, ascending, or
// std::nullopt as soon as there are more than `limit` of them.
[[nodiscard]] std::optional<std::vector<std::pair<double, double>>> DistinctValues(
    const WeightedSortedView& view, std::size_t limit);

// Number of distinct values of the union of two views, counting at most
// limit + 1 (so "more than limit" is cheap to test).
std::size_t DistinctUnionCount(const WeightedSortedView& a, const WeightedSortedView& b,
                               std::size_t limit);

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_DRIFT_HISTOGRAM_H_
