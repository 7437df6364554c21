// Brute-force oracles for the window tests: straight from the definitions,
// sharing no code with the library.
#ifndef DRIFTD_DETECTORS_WINDOW_TESTS_ORACLES_H_
#define DRIFTD_DETECTORS_WINDOW_TESTS_ORACLES_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace driftd::detectors::testing {

// #{v <= x} / n by a linear scan.
inline double BruteCdf(const std::vector<double>& v, double x) {
  std::size_t c = 0;
  for (double y : v) c += y <= x ? 1 : 0;
  return static_cast<double>(c) / static_cast<double>(v.size());
}

// KS D = max over every observed value x of |F_a(x) - F_b(x)| (the sup of two
// right-continuous step functions is attained at a jump). O(n (n + m)).
inline double BruteKs(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (const auto* s : {&a, &b}) {
    for (double x : *s) d = std::max(d, std::abs(BruteCdf(a, x) - BruteCdf(b, x)));
  }
  return d;
}

// W1 through the quantile functions: integral over u in (0, 1) of
// |Q_a(u) - Q_b(u)| with Q(u) = sorted[ceil(u n) - 1], integrated exactly over
// the breakpoints i/n and j/m. An independent formula from the CDF integral.
inline double BruteW1(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double n = static_cast<double>(a.size());
  const double m = static_cast<double>(b.size());
  std::vector<double> u;
  for (std::size_t i = 0; i <= a.size(); ++i) u.push_back(static_cast<double>(i) / n);
  for (std::size_t j = 0; j <= b.size(); ++j) u.push_back(static_cast<double>(j) / m);
  std::sort(u.begin(), u.end());
  double w = 0;
  for (std::size_t i = 1; i < u.size(); ++i) {
    const double lo = u[i - 1], hi = u[i];
    if (hi <= lo) continue;
    const double mid = 0.5 * (lo + hi);
    const auto ia = static_cast<std::size_t>(std::ceil(mid * n)) - 1;
    const auto ib = static_cast<std::size_t>(std::ceil(mid * m)) - 1;
    w += std::abs(a[ia] - b[ib]) * (hi - lo);
  }
  return w;
}

}  // namespace driftd::detectors::testing

#endif  // DRIFTD_DETECTORS_WINDOW_TESTS_ORACLES_H_
