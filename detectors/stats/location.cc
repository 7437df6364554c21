#include "detectors/stats/location.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/binomial.hpp>
#include <cmath>
#include <limits>
#include <vector>

namespace driftd::detectors::stats {
namespace {

struct Moments {
  double n = 0.0;
  double mean = 0.0;
  double var = 0.0;  // ddof 1
  bool finite = true;
};

// Two passes (numpy's mean, then var(ddof=1)).
Moments MomentsOf(std::span<const double> xs) {
  Moments m;
  m.n = static_cast<double>(xs.size());
  double sum = 0.0;
  for (double x : xs) {
    if (!std::isfinite(x)) m.finite = false;
    sum += x;
  }
  if (!m.finite || xs.empty()) return m;
  m.mean = sum / m.n;
  double ss = 0.0;
  for (double x : xs) ss += (x - m.mean) * (x - m.mean);
  // A single value contributes no squares (scipy's pooled variance does the same).
  m.var = xs.size() > 1 ? ss / (m.n - 1.0) : 0.0;
  return m;
}

double NormalSf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

std::optional<TestResult> StudentTTestFromMoments(double n, double mean_ref, double var_ref,
                                                  double m, double mean_cur, double var_cur) {
  if (!(n >= 1.0) || !(m >= 1.0) || !(n + m >= 3.0)) return std::nullopt;
  if (!std::isfinite(mean_ref) || !std::isfinite(mean_cur) || !std::isfinite(var_ref) ||
      !std::isfinite(var_cur) || var_ref < 0.0 || var_cur < 0.0) {
    return std::nullopt;
  }
  const double df = n + m - 2.0;
  const double pooled = ((n - 1.0) * var_ref + (m - 1.0) * var_cur) / df;
  const double denom = std::sqrt(pooled * (1.0 / n + 1.0 / m));
  const double diff = mean_ref - mean_cur;
  if (denom == 0.0) {
    if (diff == 0.0) return std::nullopt;  // 0 / 0: scipy's NaN
    return TestResult{diff > 0 ? std::numeric_limits<double>::infinity()
                               : -std::numeric_limits<double>::infinity(),
                      0.0, PValueMethod::kExact};
  }
  const double t = diff / denom;
  const boost::math::students_t_distribution<double> dist(df);
  const double p = 2.0 * boost::math::cdf(boost::math::complement(dist, std::abs(t)));
  return TestResult{t, std::clamp(p, 0.0, 1.0), PValueMethod::kExact};
}

std::optional<TestResult> StudentTTest(std::span<const double> ref, std::span<const double> cur) {
  const Moments a = MomentsOf(ref);
  const Moments b = MomentsOf(cur);
  if (!a.finite || !b.finite) return std::nullopt;
  return StudentTTestFromMoments(a.n, a.mean, a.var, b.n, b.mean, b.var);
}

std::optional<double> MannWhitneyExactSf(std::int64_t n, std::int64_t m, std::int64_t u) {
  if (n <= 0 || m <= 0 || u < 0 || u > n * m) return std::nullopt;
  // The frequency table has n m / 2 entries: refuse what would not fit.
  if (static_cast<double>(n) * static_cast<double>(m) > kMannWhitneyMaxExactCells)
    return std::nullopt;
  const std::int64_t small = std::min(n, m);
  const std::int64_t large = std::max(n, m);
  // The distribution is symmetric about n m / 2: sum the shorter tail.
  // P(U >= u) = P(U <= n m - u); for u < n m - u, 1 - P(U <= u) + P(U = u).
  const std::int64_t kc = n * m - u;
  const std::int64_t top = std::min(u, kc);
  // Frequencies of U = 0..top: coefficients of
  // prod_{i=1..small} (1 - q^(large + i)) / (1 - q^i), truncated at q^top.
  std::vector<double> f(static_cast<std::size_t>(top) + 1, 0.0);
  f[0] = 1.0;
  for (std::int64_t i = 1; i <= small; ++i) {
    for (std::int64_t k = top; k >= large + i; --k) f[k] -= f[k - large - i];
    for (std::int64_t k = i; k <= top; ++k) f[k] += f[k - i];
  }
  const double total = boost::math::binomial_coefficient<double>(static_cast<unsigned>(n + m),
                                                                 static_cast<unsigned>(small));
  double cdf = 0.0;
  for (double c : f) cdf += c / total;
  double p = u < kc ? 1.0 - cdf + f.back() / total : cdf;
  return std::clamp(p, 0.0, 1.0);
}

std::optional<TestResult> MannWhitneyU(std::span<const double> sorted_ref,
                                       std::span<const double> sorted_cur, Alternative alternative,
                                       MannWhitneyMethod method) {
  const std::size_t n1 = sorted_ref.size();
  const std::size_t n2 = sorted_cur.size();
  if (n1 == 0 || n2 == 0) return std::nullopt;
  // One merged walk over tie groups: twice the reference's midrank sum (an
  // exact integer), the tie term sum (t^3 - t) and whether any tie exists.
  std::int64_t twice_r1 = 0;
  double tie_term = 0.0;
  bool ties = false;
  std::size_t i = 0, j = 0;
  std::int64_t rank_before = 0;
  while (i < n1 || j < n2) {
    const double v =
        (j >= n2 || (i < n1 && sorted_ref[i] <= sorted_cur[j])) ? sorted_ref[i] : sorted_cur[j];
    if (!std::isfinite(v)) return std::nullopt;
    std::int64_t a = 0, b = 0;
    while (i < n1 && sorted_ref[i] <= v) ++i, ++a;
    while (j < n2 && sorted_cur[j] <= v) ++j, ++b;
    const std::int64_t t = a + b;
    // Midrank of the group: rank_before + (t + 1) / 2.
    twice_r1 += a * (2 * rank_before + t + 1);
    if (t > 1) {
      ties = true;
      const double dt = static_cast<double>(t);
      tie_term += dt * dt * dt - dt;
    }
    rank_before += t;
  }
  const double dn1 = static_cast<double>(n1);
  const double dn2 = static_cast<double>(n2);
  const double u1 = static_cast<double>(twice_r1) / 2.0 - dn1 * (dn1 + 1.0) / 2.0;
  const double u2 = dn1 * dn2 - u1;
  double u = u1;
  double factor = 1.0;
  switch (alternative) {
    case Alternative::kGreater:
      u = u1;
      break;
    case Alternative::kLess:
      u = u2;
      break;
    case Alternative::kTwoSided:
      u = std::max(u1, u2);
      factor = 2.0;
      break;
  }
  if (method == MannWhitneyMethod::kAuto) {
    method =
        (n1 > 8 && n2 > 8) || ties ? MannWhitneyMethod::kAsymptotic : MannWhitneyMethod::kExact;
  }
  double p = 0.0;
  PValueMethod how = PValueMethod::kAsymptotic;
  if (method == MannWhitneyMethod::kExact) {
    const auto sf = MannWhitneyExactSf(static_cast<std::int64_t>(n1), static_cast<std::int64_t>(n2),
                                       static_cast<std::int64_t>(u));
    if (sf) {
      p = *sf;
      how = PValueMethod::kExact;
    } else {
      method = MannWhitneyMethod::kAsymptotic;  // too large for the table
    }
  }
  if (method == MannWhitneyMethod::kAsymptotic) {
    const double big_n = dn1 + dn2;
    const double sigma =
        std::sqrt(dn1 * dn2 / 12.0 * ((big_n + 1.0) - tie_term / (big_n * (big_n - 1.0))));
    const double numerator = u - dn1 * dn2 / 2.0 - 0.5;
    // sigma == 0 only when every value is tied; then numerator = -0.5 and
    // the survival function at -inf is 1, as in scipy.
    p = sigma > 0.0 ? NormalSf(numerator / sigma) : 1.0;
  }
  return TestResult{u1, std::clamp(p * factor, 0.0, 1.0), how};
}

}  // namespace driftd::detectors::stats
