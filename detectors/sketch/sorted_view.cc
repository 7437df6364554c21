#include "detectors/sketch/sorted_view.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace driftd::detectors {

WeightedSortedView WeightedSortedView::Borrow(std::span<const double> sorted) {
  WeightedSortedView v;
  // An empty span may carry a null pointer; an empty owned vector says the same.
  if (!sorted.empty()) {
    v.borrowed_ = sorted.data();
    v.size_ = sorted.size();
    v.min_ = sorted.front();
    v.max_ = sorted.back();
  }
  return v;
}

WeightedSortedView WeightedSortedView::Own(std::vector<double> sorted) {
  WeightedSortedView v;
  if (!sorted.empty()) {
    v.min_ = sorted.front();
    v.max_ = sorted.back();
  }
  v.owned_ = std::move(sorted);
  return v;
}

WeightedSortedView WeightedSortedView::Weighted(std::vector<double> items,
                                                std::vector<std::uint64_t> cumulative, double min,
                                                double max, double epsilon) {
  WeightedSortedView v;
  v.owned_ = std::move(items);
  v.cumulative_ = std::move(cumulative);
  v.min_ = min;
  v.max_ = max;
  v.epsilon_ = epsilon;
  return v;
}

double WeightedSortedView::min() const {
  return empty() ? std::numeric_limits<double>::quiet_NaN() : min_;
}

double WeightedSortedView::max() const {
  return empty() ? std::numeric_limits<double>::quiet_NaN() : max_;
}

double WeightedSortedView::Cdf(double x) const {
  if (empty()) return 0.0;
  const auto it = items();
  const std::size_t above = static_cast<std::size_t>(std::upper_bound(it.begin(), it.end(), x) - it.begin());
  if (above == 0) return 0.0;
  return static_cast<double>(CumulativeWeight(above - 1)) / static_cast<double>(total());
}

double WeightedSortedView::Quantile(double q) const {
  if (empty() || std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  if (q <= 0.0) return min_;
  if (q >= 1.0) return max_;
  const std::uint64_t n = total();
  auto target = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(n)));
  target = std::clamp<std::uint64_t>(target, 1, n);
  if (cumulative_.empty()) return items()[target - 1];
  const auto pos = std::lower_bound(cumulative_.begin(), cumulative_.end(), target);
  return owned_[static_cast<std::size_t>(pos - cumulative_.begin())];
}

}  // namespace driftd::detectors
