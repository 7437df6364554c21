#include "detectors/stats/cvm.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <utility>
#include <vector>

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/bessel.hpp>

namespace driftd::detectors::stats {
namespace {

// Report numeric trouble through errno rather than exceptions: the series
// below only needs finite terms, and underflow to zero is the expected tail.
using NoThrow = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::errno_on_error>,
    boost::math::policies::overflow_error<boost::math::policies::errno_on_error>,
    boost::math::policies::evaluation_error<boost::math::policies::errno_on_error>>;

bool AllFinite(std::span<const double> xs) {
  return std::all_of(xs.begin(), xs.end(), [](double x) { return std::isfinite(x); });
}

// Midranks (1-based, ties averaged) of the two sorted samples in the pooled sample.
void PooledMidranks(std::span<const double> x, std::span<const double> y, std::vector<double>* rx,
                    std::vector<double>* ry) {
  rx->clear();
  ry->clear();
  size_t i = 0, j = 0;
  double position = 0.0;  // values already ranked
  while (i < x.size() || j < y.size()) {
    double v = 0.0;
    if (j >= y.size() || (i < x.size() && x[i] <= y[j])) {
      v = x[i];
    } else {
      v = y[j];
    }
    size_t ci = 0, cj = 0;
    while (i + ci < x.size() && x[i + ci] == v) ++ci;
    while (j + cj < y.size() && y[j + cj] == v) ++cj;
    const double tied = static_cast<double>(ci + cj);
    const double rank = position + (tied + 1.0) / 2.0;
    rx->insert(rx->end(), ci, rank);
    ry->insert(ry->end(), cj, rank);
    i += ci;
    j += cj;
    position += tied;
  }
}

// The limiting one-sample Cramér-von Mises cdf (Csörgő & Faraway 1996, eq. 1.2).
double CvmInfCdf(double x) {
  constexpr double kPi = std::numbers::pi;
  double total = 0.0;
  for (int k = 0; k < 1000; ++k) {
    const double u = std::exp(std::lgamma(k + 0.5) - std::lgamma(k + 1.0)) /
                     (std::pow(kPi, 1.5) * std::sqrt(x));
    const double y = 4.0 * k + 1.0;
    const double q = y * y / (16.0 * x);
    const double b = boost::math::cyl_bessel_k(0.25, q, NoThrow());
    const double term = u * std::sqrt(y) * std::exp(-q) * b;
    if (!std::isfinite(term)) break;
    total += term;
    if (std::abs(term) < 1e-7) break;
  }
  return total;
}

// Sorted (value, count) list of path sums.
using Distribution = std::vector<std::pair<std::int64_t, std::uint64_t>>;

Distribution Merge(const Distribution& a, const Distribution& b) {
  Distribution out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j >= b.size() || (i < a.size() && a[i].first < b[j].first)) {
      out.push_back(a[i++]);
    } else if (i >= a.size() || b[j].first < a[i].first) {
      out.push_back(b[j++]);
    } else {
      out.emplace_back(a[i].first, a[i].second + b[j].second);
      ++i;
      ++j;
    }
  }
  return out;
}

}  // namespace

std::optional<double> CvmExactPValue(double u, std::int64_t n, std::int64_t m) {
  if (n < 1 || m < 1 || n + m > 60) return std::nullopt;
  const std::int64_t lcm = std::lcm(n, m);
  const std::int64_t a = lcm / n;
  const std::int64_t b = lcm / m;
  const std::int64_t nm = n * m;
  // Threshold on the path statistic sum (a v - b w)^2 equivalent to U (Xiao et
  // al. eq. 2 combined with Anderson's eq. 9), floored as scipy does.
  const double numerator = static_cast<double>(lcm * lcm * (n + m)) *
                           (6.0 * u - static_cast<double>(nm * (4 * nm - 1)));
  const auto zeta =
      static_cast<std::int64_t>(std::floor(numerator / static_cast<double>(6 * nm * nm)));

  // gs[v]: distribution of the path sum over lattice paths to (w, v), one
  // column w at a time; paths arrive from (w, v - 1) or (w - 1, v).
  std::vector<Distribution> gs(static_cast<size_t>(n) + 1);
  gs[0] = {{0, 1}};
  for (std::int64_t w = 0; w <= m; ++w) {
    std::vector<Distribution> next(gs.size());
    Distribution tmp;
    for (std::int64_t v = 0; v <= n; ++v) {
      tmp = Merge(tmp, gs[static_cast<size_t>(v)]);
      const std::int64_t diff = a * v - b * w;
      for (auto& entry : tmp) entry.first += diff * diff;
      next[static_cast<size_t>(v)] = tmp;
    }
    gs = std::move(next);
  }
  std::uint64_t at_least = 0;
  std::uint64_t total = 0;
  for (const auto& [value, count] : gs[static_cast<size_t>(n)]) {
    total += count;
    if (value >= zeta) at_least += count;
  }
  return static_cast<double>(at_least) / static_cast<double>(total);
}

std::optional<TestResult> CramerVonMises2Sample(std::span<const double> sorted_ref,
                                                std::span<const double> sorted_cur,
                                                CvmMethod method) {
  if (sorted_ref.size() < 2 || sorted_cur.size() < 2) return std::nullopt;
  if (!AllFinite(sorted_ref) || !AllFinite(sorted_cur)) return std::nullopt;
  const auto nx = static_cast<std::int64_t>(sorted_ref.size());
  const auto ny = static_cast<std::int64_t>(sorted_cur.size());
  if (method == CvmMethod::kAuto) {
    method = std::max(nx, ny) > kCvmMaxExactSize ? CvmMethod::kAsymptotic : CvmMethod::kExact;
  }
  std::vector<double> rx, ry;
  PooledMidranks(sorted_ref, sorted_cur, &rx, &ry);
  double sx = 0.0, sy = 0.0;
  for (size_t i = 0; i < rx.size(); ++i) sx += std::pow(rx[i] - static_cast<double>(i + 1), 2);
  for (size_t j = 0; j < ry.size(); ++j) sy += std::pow(ry[j] - static_cast<double>(j + 1), 2);
  const double dnx = static_cast<double>(nx), dny = static_cast<double>(ny);
  const double u = dnx * sx + dny * sy;
  const double k = dnx * dny;
  const double big_n = dnx + dny;
  const double t = u / (k * big_n) - (4 * k - 1) / (6 * big_n);

  if (method == CvmMethod::kExact) {
    if (std::optional<double> p = CvmExactPValue(u, nx, ny)) {
      return TestResult{t, std::clamp(*p, 0.0, 1.0), PValueMethod::kExact};
    }
  }
  // Mean and variance of T (Anderson 1962, eqs. 11 and 14).
  const double et = (1 + 1 / big_n) / 6;
  double vt = (big_n + 1) * (4 * k * big_n - 3 * (dnx * dnx + dny * dny) - 2 * k);
  vt = vt / (45 * big_n * big_n * 4 * k);
  const double tn = 1.0 / 6 + (t - et) / std::sqrt(45 * vt);
  // Below 0.003 the limiting cdf is under 1.3e-18: the p-value is 1.
  const double p = tn < 0.003 ? 1.0 : std::max(0.0, 1.0 - CvmInfCdf(tn));
  return TestResult{t, std::min(p, 1.0), PValueMethod::kAsymptotic};
}

}  // namespace driftd::detectors::stats
