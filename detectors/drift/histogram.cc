#include "detectors/drift/histogram.h"

#include <algorithm>
#include <cmath>

#include "detectors/stats/binning.h"

namespace driftd::detectors {
namespace {

// numpy's pairwise summation (add.reduce on contiguous float64): the same
// rounding as np.mean / np.std, so the bin count's ceil() agrees with numpy
// even when the width lands next to an integer ratio.
double PairwiseSum(const double* a, std::size_t n) {
  if (n < 8) {
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += a[i];
    return s;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += a[i + static_cast<std::size_t>(j)];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return PairwiseSum(a, n2) + PairwiseSum(a + n2, n - n2);
}

// Weight of the items strictly below x (lower) or at most x (upper).
double WeightBelow(const WeightedSortedView& view, double x, bool inclusive) {
  const auto items = view.items();
  const auto it = inclusive ? std::upper_bound(items.begin(), items.end(), x)
                            : std::lower_bound(items.begin(), items.end(), x);
  const auto k = static_cast<std::size_t>(it - items.begin());
  return k == 0 ? 0.0 : static_cast<double>(view.CumulativeWeight(k - 1));
}

}  // namespace

SampleShape ShapeOf(std::span<const double> sorted) {
  SampleShape shape;
  shape.count = sorted.size();
  if (sorted.empty()) return shape;
  shape.min = sorted.front();
  shape.max = sorted.back();
  const std::size_t n = sorted.size();
  const double mean = PairwiseSum(sorted.data(), n) / static_cast<double>(n);
  std::vector<double> temp(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double d = sorted[i] - mean;
    temp[i] = d * d;
  }
  const double sigma = std::sqrt(PairwiseSum(temp.data(), n) / static_cast<double>(n));
  shape.has_spread = sigma > 0.0;
  if (shape.has_spread) {
    for (std::size_t i = 0; i < n; ++i) temp[i] = std::pow((sorted[i] - mean) / sigma, 3.0);
    shape.third_standardized_moment = PairwiseSum(temp.data(), n) / static_cast<double>(n);
  }
  return shape;
}

std::optional<std::vector<double>> RuleEdges(BinRule rule, const SampleShape& shape) {
  if (shape.count == 0 || !std::isfinite(shape.min) || !std::isfinite(shape.max)) return std::nullopt;
  const double n = static_cast<double>(shape.count);
  const double ptp = shape.max - shape.min;
  double width = 0.0;
  if (rule == BinRule::kSturges) {
    width = ptp / (std::log2(n) + 1.0);
  } else if (shape.count > 2 && shape.has_spread) {
    const double sg1 = std::sqrt(6.0 * (n - 2) / ((n + 1.0) * (n + 3)));
    width = ptp / (1.0 + std::log2(n) +
                   std::log2(1.0 + std::abs(shape.third_standardized_moment) / sg1));
  }
  int bins = 1;
  if (width != 0.0) {
    if (shape.integer_dtype && width < 1) width = 1;
    const double b = std::ceil(ptp / width);
    if (!(b >= 1) || b > 1e8) return std::nullopt;
    bins = static_cast<int>(b);
  }
  return stats::EqualWidthEdges(shape.min, shape.max, bins);
}

double CdfBelow(const WeightedSortedView& view, double x) {
  if (view.empty()) return 0.0;
  return WeightBelow(view, x, false) / static_cast<double>(view.total());
}

BinnedCounts CountInBins(const WeightedSortedView& view, std::span<const double> edges) {
  BinnedCounts out;
  const std::size_t bins = edges.size() - 1;
  out.counts.assign(bins, 0.0);
  if (view.empty()) return out;
  const double total = static_cast<double>(view.total());
  double prev = WeightBelow(view, edges[0], false);
  out.below = prev;
  for (std::size_t i = 0; i < bins; ++i) {
    const double upto = WeightBelow(view, edges[i + 1], i + 1 == bins);
    out.counts[i] = std::max(0.0, upto - prev);
    prev = upto;
  }
  out.above = std::max(0.0, total - prev);
  return out;
}

std::optional<std::vector<std::pair<double, double>>> DistinctValues(const WeightedSortedView& view,
                                                                     std::size_t limit) {
  std::vector<std::pair<double, double>> out;
  const auto items = view.items();
  double prev_weight = 0.0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const double cum = static_cast<double>(view.CumulativeWeight(i));
    if (!out.empty() && out.back().first == items[i]) {
      out.back().second += cum - prev_weight;
    } else {
      if (out.size() == limit) return std::nullopt;
      out.emplace_back(items[i], cum - prev_weight);
    }
    prev_weight = cum;
  }
  return out;
}

std::size_t DistinctUnionCount(const WeightedSortedView& a, const WeightedSortedView& b,
                               std::size_t limit) {
  const auto x = a.items();
  const auto y = b.items();
  std::size_t i = 0, j = 0, count = 0;
  bool have_last = false;
  double last = 0.0;
  while ((i < x.size() || j < y.size()) && count <= limit) {
    double v;
    if (j >= y.size() || (i < x.size() && x[i] <= y[j])) {
      v = x[i++];
    } else {
      v = y[j++];
    }
    if (!have_last || v != last) {
      ++count;
      last = v;
      have_last = true;
    }
  }
  return count;
}

}  // namespace driftd::detectors
