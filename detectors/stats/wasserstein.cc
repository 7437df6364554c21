#include "detectors/stats/wasserstein.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
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
  // W1 = integral over t in (0, 1) of |F_u^-1(t) - F_v^-1(t)|: the quantile
  // functions are steps at t = i / n and j / m, so the integral is a sum over
  // the merged breakpoints. Walking them in t rather than in x makes the
  // merge order depend on integers only (i m against j n), never on the
  // data, so the loop has no data-dependent branch and its loads are
  // sequential. Widths are exact integers over the denominator n m; every
  // value gets a positive width, so a NaN or infinity makes the sum
  // non-finite. Equal to the x-space sum of scipy up to rounding (the terms
  // are the same areas, cut differently).
  const std::size_t n = sorted_u.size();
  const std::size_t m = sorted_v.size();
  if (n == 0 || m == 0) return std::nullopt;
  const auto ni = static_cast<std::uint64_t>(n);
  const auto mi = static_cast<std::uint64_t>(m);
  const double* u = sorted_u.data();
  const double* v = sorted_v.data();
  std::uint64_t t = 0;  // current breakpoint, in units of 1 / (n m)
  std::size_t i = 0, j = 0;
  double sum = 0.0;
  while (i < n && j < m) {
    const std::uint64_t end_u = (i + 1) * mi;
    const std::uint64_t end_v = (j + 1) * ni;
    const std::uint64_t end = end_u < end_v ? end_u : end_v;
    sum += std::abs(u[i] - v[j]) * static_cast<double>(end - t);
    t = end;
    i += end_u == end;
    j += end_v == end;
  }
  if (!std::isfinite(sum)) return std::nullopt;
  return sum / (static_cast<double>(n) * static_cast<double>(m));
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

double PopulationStdDev(std::span<const double> xs) {
  // Two passes, as numpy's np.std.
  const double n = static_cast<double>(xs.size());
  const double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / n;
  double ss = 0.0;
  for (double x : xs) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / n);
}

std::optional<double> NormedWasserstein1(std::span<const double> sorted_ref,
                                         std::span<const double> sorted_cur) {
  std::optional<double> w = Wasserstein1(sorted_ref, sorted_cur);
  if (!w) return std::nullopt;
  return *w / std::max(PopulationStdDev(sorted_ref), kWassersteinMinNorm);
}

}  // namespace driftd::detectors::stats
