#include "detectors/stats/binning.h"

#include <algorithm>
#include <cmath>

namespace driftd::detectors::stats {

std::optional<std::vector<double>> EqualWidthEdges(double lo, double hi, int n_bins) {
  if (n_bins < 1 || !std::isfinite(lo) || !std::isfinite(hi) || lo > hi) return std::nullopt;
  if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  std::vector<double> edges(static_cast<size_t>(n_bins) + 1);
  const double step = (hi - lo) / n_bins;
  for (int i = 0; i < n_bins; ++i) edges[static_cast<size_t>(i)] = i * step + lo;
  edges.back() = hi;
  return edges;
}

std::vector<double> HistogramCounts(std::span<const double> values,
                                    std::span<const double> edges) {
  const auto n_bins = static_cast<std::ptrdiff_t>(edges.size()) - 1;
  std::vector<double> counts(static_cast<size_t>(std::max<std::ptrdiff_t>(n_bins, 0)), 0.0);
  if (n_bins < 1) return counts;
  const double first = edges.front();
  const double last = edges.back();
  const double norm = static_cast<double>(n_bins) / (last - first);
  for (double x : values) {
    if (!(x >= first && x <= last)) continue;
    // numpy computes the index arithmetically, then corrects it against the
    // edges so that rounding never puts a value on the wrong side of an edge.
    auto idx = static_cast<std::ptrdiff_t>((x - first) * norm);
    if (idx >= n_bins) idx = n_bins - 1;
    if (x < edges[static_cast<size_t>(idx)]) --idx;
    if (idx < n_bins - 1 && x >= edges[static_cast<size_t>(idx + 1)]) ++idx;
    counts[static_cast<size_t>(idx)] += 1.0;
  }
  return counts;
}

}  // namespace driftd::detectors::stats
