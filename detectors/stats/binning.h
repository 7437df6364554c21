// Equal-width histograms with numpy's conventions, for the histogram-based
// drift scores (divergence.h). Evidently bins a numeric feature by
// np.histogram_bin_edges(concat(ref, cur), bins=n) and counts each sample with
// np.histogram over those edges; these functions reproduce both.
#ifndef DRIFTD_DETECTORS_STATS_BINNING_H_
#define DRIFTD_DETECTORS_STATS_BINNING_H_

#include <optional>
#include <span>
#include <vector>

namespace driftd::detectors::stats {

// n_bins + 1 equally spaced edges from lo to hi (np.linspace). When lo == hi
// the range is widened to [lo - 0.5, hi + 0.5] as numpy does.
// Returns std::nullopt when n_bins < 1, lo > hi or a bound is not finite.
[[nodiscard]] std::optional<std::vector<double>> EqualWidthEdges(double lo, double hi,
                                                                 int n_bins);

// Counts per bin for edges from EqualWidthEdges: bins are half-open [e_i,
// e_i+1) except the last, which is closed; values outside [e_0, e_n] and NaN
// are not counted. REQUIRES: edges.size() >= 2, ascending, equally spaced.
[[nodiscard]] std::vector<double> HistogramCounts(std::span<const double> values,
                                                  std::span<const double> edges);

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_BINNING_H_
