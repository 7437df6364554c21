#include "detectors/window/summary_distance.h"

#include <algorithm>
#include <cmath>

namespace driftd::detectors {
namespace {

// Walks the distinct values of a ∪ b in ascending order; at each value v calls
// f(v, F_a(v), F_b(v)) with the right-continuous CDFs.
template <typename F>
void WalkUnion(const WeightedSortedView& a, const WeightedSortedView& b, F&& f) {
  const auto xa = a.items();
  const auto xb = b.items();
  const double na = static_cast<double>(a.total());
  const double nb = static_cast<double>(b.total());
  std::size_t i = 0, j = 0;
  while (i < xa.size() || j < xb.size()) {
    double v;
    if (j == xb.size() || (i < xa.size() && xa[i] <= xb[j])) {
      v = xa[i];
    } else {
      v = xb[j];
    }
    while (i < xa.size() && xa[i] == v) ++i;
    while (j < xb.size() && xb[j] == v) ++j;
    const double fa = i == 0 ? 0.0 : static_cast<double>(a.CumulativeWeight(i - 1)) / na;
    const double fb = j == 0 ? 0.0 : static_cast<double>(b.CumulativeWeight(j - 1)) / nb;
    f(v, fa, fb);
  }
}

SummaryMode ModeOf(const WeightedSortedView& a, const WeightedSortedView& b) {
  return a.exact() && b.exact() ? SummaryMode::kExact : SummaryMode::kSketch;
}

}  // namespace

std::optional<DistanceEstimate> KsDistance(const WeightedSortedView& a, const WeightedSortedView& b) {
  if (a.empty() || b.empty()) return std::nullopt;
  double d = 0.0;
  WalkUnion(a, b, [&d](double, double fa, double fb) { d = std::max(d, std::abs(fa - fb)); });
  return DistanceEstimate{d, a.epsilon() + b.epsilon(), ModeOf(a, b)};
}

std::optional<DistanceEstimate> Wasserstein1Distance(const WeightedSortedView& a,
                                                     const WeightedSortedView& b) {
  if (a.empty() || b.empty()) return std::nullopt;
  double w = 0.0;
  bool first = true;
  double prev_v = 0.0, prev_gap = 0.0;
  // Between consecutive union values both CDFs are constant at their value at
  // the left end, so each gap contributes |F_a - F_b| * width.
  WalkUnion(a, b, [&](double v, double fa, double fb) {
    if (!first) w += prev_gap * (v - prev_v);
    first = false;
    prev_v = v;
    prev_gap = std::abs(fa - fb);
  });
  const double range = std::max(a.max(), b.max()) - std::min(a.min(), b.min());
  return DistanceEstimate{w, (a.epsilon() + b.epsilon()) * range, ModeOf(a, b)};
}

std::optional<DistanceEstimate> KsDistance(const NumericSummary& a, const NumericSummary& b) {
  return KsDistance(a.View(), b.View());
}

std::optional<DistanceEstimate> Wasserstein1Distance(const NumericSummary& a, const NumericSummary& b) {
  return Wasserstein1Distance(a.View(), b.View());
}

double KsCriticalDistance(std::uint64_t n, std::uint64_t m) {
  const double dn = static_cast<double>(n);
  const double dm = static_cast<double>(m);
  return 1.358 * std::sqrt((dn + dm) / (dn * dm));
}

}  // namespace driftd::detectors
