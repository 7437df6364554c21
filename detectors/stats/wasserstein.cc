#include "detectors/stats/wasserstein.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace driftd::detectors::stats {
namespace {

bool AllFinite(std::span<const double> xs) {
  return std::all_of(xs.begin(), xs.end(), [](double x) { return std::isfinite(x); });
}

// A sorted sample with cumulative weights: cum[i] = total weight of the first
// i values, so the CDF just right of values[i-1] is cum[i] / cum.back().
struct WeightedSample {
  std::vector<double> values;
  std::vector<double> cum;
};

// Integral of |F_u - F_v| over the merged support. Between consecutive merged
// values both CDFs are constant, so the integral is a finite sum.
double CdfDistance(const WeightedSample& u, const WeightedSample& v) {
  const double u_total = u.cum.back();
  const double v_total = v.cum.back();
  size_t i = 0, j = 0;
  double sum = 0.0;
  double prev = std::min(u.values.front(), v.values.front());
  while (i < u.values.size() || j < v.values.size()) {
    double next = 0.0;
    if (j >= v.values.size() || (i < u.values.size() && u.values[i] <= v.values[j])) {
      next = u.values[i];
    } else {
      next = v.values[j];
    }
    const double fu = u.cum[i] / u_total;
    const double fv = v.cum[j] / v_total;
    sum += std::abs(fu - fv) * (next - prev);
    while (i < u.values.size() && u.values[i] <= next) ++i;
    while (j < v.values.size() && v.values[j] <= next) ++j;
    prev = next;
  }
  return sum;
}

WeightedSample Unweighted(std::span<const double> sorted) {
  WeightedSample s{{sorted.begin(), sorted.end()}, std::vector<double>(sorted.size() + 1)};
  std::iota(s.cum.begin(), s.cum.end(), 0.0);
  return s;
}

std::optional<WeightedSample> Weighted(std::span<const double> values,
                                       std::span<const double> weights) {
  if (values.empty() || values.size() != weights.size() || !AllFinite(values)) return std::nullopt;
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  WeightedSample s;
  s.cum.push_back(0.0);
  for (size_t idx : order) {
    const double w = weights[idx];
    if (!std::isfinite(w) || w < 0.0) return std::nullopt;
    s.values.push_back(values[idx]);
    s.cum.push_back(s.cum.back() + w);
  }
  if (!(s.cum.back() > 0.0)) return std::nullopt;
  return s;
}

}  // namespace

std::optional<double> Wasserstein1(std::span<const double> sorted_u,
                                   std::span<const double> sorted_v) {
  if (sorted_u.empty() || sorted_v.empty()) return std::nullopt;
  if (!AllFinite(sorted_u) || !AllFinite(sorted_v)) return std::nullopt;
  return CdfDistance(Unweighted(sorted_u), Unweighted(sorted_v));
}

std::optional<double> WeightedWasserstein1(std::span<const double> u_values,
                                           std::span<const double> u_weights,
                                           std::span<const double> v_values,
                                           std::span<const double> v_weights) {
  std::optional<WeightedSample> u = Weighted(u_values, u_weights);
  std::optional<WeightedSample> v = Weighted(v_values, v_weights);
  if (!u || !v) return std::nullopt;
  return CdfDistance(*u, *v);
}

std::optional<double> NormedWasserstein1(std::span<const double> sorted_ref,
                                         std::span<const double> sorted_cur) {
  std::optional<double> w = Wasserstein1(sorted_ref, sorted_cur);
  if (!w) return std::nullopt;
  // Two-pass population standard deviation (numpy's np.std).
  const double n = static_cast<double>(sorted_ref.size());
  const double mean = std::accumulate(sorted_ref.begin(), sorted_ref.end(), 0.0) / n;
  double ss = 0.0;
  for (double x : sorted_ref) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / n);
  return *w / std::max(sd, kWassersteinMinNorm);
}

}  // namespace driftd::detectors::stats
