// A step CDF over weighted sorted items: the common query form of an exact
// sorted sample (every weight 1) and of a KLL sketch (weights 2^level).
//
// Cdf(x) is the right-continuous empirical CDF, W(items <= x) / total, so ties
// count as scipy.stats.ks_2samp and numpy's searchsorted(side="right") do.
// Quantile(q) is the inverse ("inverted_cdf" in numpy.quantile): the smallest
// item whose cumulative weight reaches ceil(q * total); q <= 0 gives the true
// minimum and q >= 1 the true maximum.
//
// Both queries are O(log retained). `epsilon` is the bound on
// |Cdf(x) - F(x)| against the exact empirical CDF F of everything that was
// summarized, uniformly over x (0 for an exact sample).
//
// A view made by Borrow() points into storage it does not own: it must not
// outlive (or see a modification of) that storage. Owned views are values.
// Thread-safety: const methods are safe to call concurrently.
#ifndef DRIFTD_DETECTORS_SKETCH_SORTED_VIEW_H_
#define DRIFTD_DETECTORS_SKETCH_SORTED_VIEW_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace driftd::detectors {

class WeightedSortedView {
 public:
  WeightedSortedView() = default;

  // An exact sample with unit weights, borrowed. REQUIRES: sorted ascending, finite.
  static WeightedSortedView Borrow(std::span<const double> sorted);
  // An exact sample with unit weights, owned. REQUIRES: sorted ascending, finite.
  static WeightedSortedView Own(std::vector<double> sorted);
  // Weighted items, owned. REQUIRES: items sorted ascending; cumulative[i] is
  // the total weight of items[0..i], strictly increasing; min <= items.front(),
  // max >= items.back() are the true extremes of the summarized data.
  static WeightedSortedView Weighted(std::vector<double> items, std::vector<std::uint64_t> cumulative,
                                     double min, double max, double epsilon);

  std::span<const double> items() const {
    return borrowed_ != nullptr ? std::span<const double>(borrowed_, size_) : std::span<const double>(owned_);
  }
  // Total weight of items[0..i] (inclusive).
  std::uint64_t CumulativeWeight(std::size_t i) const {
    return cumulative_.empty() ? static_cast<std::uint64_t>(i + 1) : cumulative_[i];
  }
  std::size_t size() const { return borrowed_ != nullptr ? size_ : owned_.size(); }
  bool empty() const { return size() == 0; }
  // Number of summarized values (the sum of all weights).
  std::uint64_t total() const { return size() == 0 ? 0 : CumulativeWeight(size() - 1); }
  // True extremes of the summarized values; NaN when empty.
  double min() const;
  double max() const;
  // Uniform bound on the normalized rank error (0 when exact).
  double epsilon() const { return epsilon_; }
  bool exact() const { return epsilon_ == 0.0; }

  // W(items <= x) / total(); 0 when empty.
  double Cdf(double x) const;
  // See the file comment. NaN when empty.
  double Quantile(double q) const;

 private:
  const double* borrowed_ = nullptr;
  std::size_t size_ = 0;
  std::vector<double> owned_;
  std::vector<std::uint64_t> cumulative_;  // empty: unit weights
  double min_ = 0.0;
  double max_ = 0.0;
  double epsilon_ = 0.0;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_SKETCH_SORTED_VIEW_H_
