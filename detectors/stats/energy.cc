#include "detectors/stats/energy.h"

#include <cmath>
#include <cstddef>

namespace driftd::detectors::stats {

// integral (F_u - F_v)^2 dt over the merged sample, one element per step:
// a step whose gap is 0 (a tie, or the first step) adds exactly 0, and by
// the time a gap is positive every copy of the previous value has been
// consumed on both sides, so i / n and j / m are the right-continuous CDFs
// there (scipy's searchsorted(..., side="right") / n). The merge choice is
// a select rather than a branch, which the random interleaving of two
// samples would mispredict half the time.
std::optional<double> EnergyDistance(std::span<const double> sorted_u,
                                     std::span<const double> sorted_v) {
  const std::size_t n = sorted_u.size();
  const std::size_t m = sorted_v.size();
  if (n == 0 || m == 0) return std::nullopt;
  const double* u = sorted_u.data();
  const double* v = sorted_v.data();
  const double dn = static_cast<double>(n);
  const double dm = static_cast<double>(m);
  double sum = 0.0;
  std::size_t i = 0, j = 0;
  double prev = u[0] < v[0] ? u[0] : v[0];
  bool finite = true;
  while (i < n && j < m) {
    const double a = u[i], b = v[j];
    const bool take_u = a <= b;
    const double next = take_u ? a : b;
    // Every value is `next` once, so this sees every NaN and infinity.
    finite &= std::isfinite(next);
    const double diff = static_cast<double>(i) / dn - static_cast<double>(j) / dm;
    sum += diff * diff * (next - prev);
    i += take_u;
    j += !take_u;
    prev = next;
  }
  // One side exhausted: its CDF is 1 from here on.
  for (; i < n; ++i) {
    finite &= std::isfinite(u[i]);
    const double diff = static_cast<double>(i) / dn - 1.0;
    sum += diff * diff * (u[i] - prev);
    prev = u[i];
  }
  for (; j < m; ++j) {
    finite &= std::isfinite(v[j]);
    const double diff = 1.0 - static_cast<double>(j) / dm;
    sum += diff * diff * (v[j] - prev);
    prev = v[j];
  }
  if (!finite) return std::nullopt;
  // scipy: np.sqrt(2) * _cdf_distance(2, u, v), the latter sqrt(sum).
  return std::sqrt(2.0) * std::sqrt(sum);
}

}  // namespace driftd::detectors::stats
