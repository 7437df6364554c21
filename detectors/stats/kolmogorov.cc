// The one-sample two-sided Kolmogorov distribution P(D_n >= x), as scipy's
// kstwo.sf computes it. Which algorithm runs where follows Simard & L'Ecuyer,
// "Computing the Two-Sided Kolmogorov-Smirnov Distribution", J. Stat. Softw.
// 39(11), 2011, with scipy's cut-offs so both libraries agree closely:
//   - Ruben-Gambino closed forms near the ends of the support,
//   - 2 * (one-sided Smirnov sf) where the two tails do not overlap,
//   - the Durbin matrix (Marsaglia-Tsang-Wang) for small n x^2,
//   - Pomeranz's recursion for n <= 140,
//   - the Pelz-Good expansion for large n.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include <boost/math/distributions/binomial.hpp>

#include "detectors/stats/ks.h"

namespace driftd::detectors::stats {
namespace {

constexpr int kScaleExp = 128;
const double kScaleUp = std::ldexp(1.0, kScaleExp);
const double kScaleDown = std::ldexp(1.0, -kScaleExp);
constexpr double kPi = std::numbers::pi;

double Clip01(double p) { return std::clamp(p, 0.0, 1.0); }

// -log(2^-1075): exp(-t) for t above this rounds to 0 in double.
constexpr double kUnderflowExponent = 745.2;

// log(n! / n^n) by Stirling's series with n log n removed up front, which
// avoids the cancellation of lgamma(n + 1) - n log n.
double LogFactorialOverPower(double n) {
  constexpr double kCoeffs[] = {-2.955065359477124183e-2, 6.4102564102564102564e-3,
                                -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                                -5.952380952380952381e-4,  7.9365079365079365079e-4,
                                -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  const double rn = 1.0 / n;
  double poly = 0.0;
  for (double c : kCoeffs) poly = poly * (rn / n) + c;
  return std::log(n) / 2 - n + std::log(2 * kPi) / 2 + rn * poly;
}

// Birnbaum-Tingey term v: the binomial pmf of v successes in n trials with
// success probability p = x + v / n, divided by p (0 past p = 1, except the
// last term v = n, which is 1).
template <class Policy>
double BirnbaumTingeyTerm(std::int64_t n, double x, std::int64_t v) {
  const double nd = static_cast<double>(n);
  const double p = std::min(1.0, x + static_cast<double>(v) / nd);
  if (p >= 1.0) return v == n ? 1.0 : 0.0;
  const boost::math::binomial_distribution<double, Policy> binomial(nd, p);
  return boost::math::pdf(binomial, static_cast<double>(v)) / p;
}

// Above this n the sum is pruned (below: every term, as scipy sums them).
constexpr std::int64_t kSmirnovPruneFrom = 20000;

// One-sided Smirnov sf P(D+_n >= x) by the Birnbaum-Tingey sum. Each term is a
// binomial probability divided by its success probability, so all terms are
// positive and the binomial pmf (accurate for large n) avoids overflow.
//
// For large n the sum has up to n terms but only those near the peak
// matter: the term is roughly exp(-n x^2 / (2 p (1 - p))) with p near
// v / n + x / 2, largest around v = n (1 - x) / 2 and falling off on both
// sides. From there the sum walks outwards and stops on a side once the
// term times the number of terms left on that side is below 1e-17 of the
// sum (the terms decrease away from the peak, so the rest is smaller). The
// pruned terms use Boost's double-precision evaluation (no long-double
// promotion; relative error a few ulps per term).
double SmirnovSf(std::int64_t n, double x) {
  if (x >= 1.0) return 0.0;
  if (x <= 0.0) return 1.0;
  const double nd = static_cast<double>(n);
  // Massart (1990): P(D+_n >= x) <= exp(-2 n x^2). Past 2 n x^2 = 745.2
  // that bound is below half the smallest subnormal double, so the sum
  // rounds to 0; skipping its n terms saves ~0.3 s at n = 5e5.
  if (2.0 * nd * x * x > kUnderflowExponent) return 0.0;
  const auto last = static_cast<std::int64_t>(std::floor(nd * (1.0 - x)));
  if (n < kSmirnovPruneFrom) {
    double sum = 0.0;
    for (std::int64_t v = 0; v <= last; ++v) {
      sum += BirnbaumTingeyTerm<boost::math::policies::policy<>>(n, x, v);
    }
    return x * sum;
  }
  using Fast = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
  constexpr double kNegligible = 1e-17;
  const std::int64_t peak = std::clamp<std::int64_t>(std::llround(nd * (1.0 - x) / 2.0), 0, last);
  double sum = BirnbaumTingeyTerm<Fast>(n, x, peak);
  double prev_up = sum, prev_down = sum;
  bool up = peak<last, down = peak> 0;
  for (std::int64_t k = 1; up || down; ++k) {
    if (up) {
      const std::int64_t v = peak + k;
      const double t = BirnbaumTingeyTerm<Fast>(n, x, v);
      sum += t;
      // Stop once decreasing and the remaining terms cannot matter.
      up = v < last && !(t <= prev_up && t * static_cast<double>(last - v) < kNegligible * sum);
      prev_up = t;
    }
    if (down) {
      const std::int64_t v = peak - k;
      const double t = BirnbaumTingeyTerm<Fast>(n, x, v);
      sum += t;
      down = v > 0 && !(t <= prev_down && t * static_cast<double>(v) < kNegligible * sum);
      prev_down = t;
    }
  }
  return x * sum;
}

using Matrix = std::vector<std::vector<double>>;

Matrix Multiply(const Matrix& a, const Matrix& b) {
  const size_t m = a.size();
  Matrix c(m, std::vector<double>(m, 0.0));
  for (size_t i = 0; i < m; ++i) {
    for (size_t k = 0; k < m; ++k) {
      const double aik = a[i][k];
      if (aik == 0.0) continue;
      for (size_t j = 0; j < m; ++j) c[i][j] += aik * b[k][j];
    }
  }
  return c;
}

// Durbin's matrix method, P(D_n < d), with the scaling of Marsaglia, Tsang
// and Wang (2003) so that H^n neither overflows nor underflows.
double DurbinCdf(std::int64_t n, double d) {
  if (d >= 1.0) return 1.0;
  const double nd = static_cast<double>(n) * d;
  if (nd <= 0.5) return 0.0;
  const auto k = static_cast<std::int64_t>(std::ceil(nd));
  const double h = static_cast<double>(k) - nd;
  const auto m = static_cast<size_t>(2 * k - 1);

  std::vector<double> v(m), w(m);
  double fac = 1.0;
  for (size_t j = 1; j <= m; ++j) {
    v[j - 1] = 1.0 - std::pow(h, static_cast<double>(j));
    w[j - 1] = fac;
    fac /= static_cast<double>(j);
    v[j - 1] *= fac;
  }
  const double tt = std::pow(std::max(2 * h - 1.0, 0.0), static_cast<double>(m)) -
                    2 * std::pow(h, static_cast<double>(m));
  v[m - 1] = (1.0 + tt) * fac;

  Matrix hm(m, std::vector<double>(m, 0.0));
  for (size_t i = 1; i < m; ++i) {
    for (size_t r = i - 1; r < m; ++r) hm[r][i] = w[r - (i - 1)];
  }
  for (size_t r = 0; r < m; ++r) hm[r][0] = v[r];
  for (size_t c = 0; c < m; ++c) hm[m - 1][c] = v[m - 1 - c];

  Matrix power(m, std::vector<double>(m, 0.0));
  for (size_t i = 0; i < m; ++i) power[i][i] = 1.0;
  std::int64_t exponent = 0;
  std::int64_t h_exponent = 0;
  const size_t kk = static_cast<size_t>(k - 1);
  for (std::int64_t nn = n; nn > 0; nn /= 2) {
    if (nn % 2) {
      power = Multiply(power, hm);
      exponent += h_exponent;
    }
    hm = Multiply(hm, hm);
    h_exponent *= 2;
    if (std::abs(hm[kk][kk]) > kScaleUp) {
      for (auto& row : hm) {
        for (double& e : row) e /= kScaleUp;
      }
      h_exponent += kScaleExp;
    }
  }
  double p = power[kk][kk];
  const double nf = static_cast<double>(n);
  for (std::int64_t i = 1; i <= n; ++i) {
    p = static_cast<double>(i) * p / nf;
    if (std::abs(p) < kScaleDown) {
      p *= kScaleUp;
      exponent -= kScaleExp;
    }
  }
  return std::ldexp(p, static_cast<int>(exponent));
}

// Column range [j1, j2] of row i in Pomeranz's recursion.
void PomeranzRange(std::int64_t i, std::int64_t n, std::int64_t ll, std::int64_t ceilf,
                   std::int64_t roundf, std::int64_t* j1, std::int64_t* j2) {
  std::int64_t a = 0;
  std::int64_t b = 0;
  if (i == 0) {
    a = -ll - ceilf - 1;
    b = ll + ceilf - 1;
  } else {
    const std::int64_t half = (i + 1) / 2;
    if ((i + 1) % 2 == 0) {
      if (half == n + 1) {
        a = n - ll - ceilf - 1;
        b = n + ll + ceilf - 1;
      } else {
        a = half - 1 - ll - roundf - 1;
        b = half + ll - 1 + ceilf - 1;
      }
    } else {
      a = half - 1 - ll - 1;
      b = half + ll + roundf - 1;
    }
  }
  *j1 = std::max<std::int64_t>(a + 2, 0);
  *j2 = std::min(b, n);
}

// Pomeranz (1974), P(D_n <= x): each row is the previous row convolved with
// (almost) Poisson probabilities; only a band of each row is non-zero.
double PomeranzCdf(std::int64_t n, double x) {
  const double t = static_cast<double>(n) * x;
  const auto ll = static_cast<std::int64_t>(std::floor(t));
  const double f = t - static_cast<double>(ll);
  const double g = std::min(f, 1.0 - f);
  const std::int64_t ceilf = f > 0 ? 1 : 0;
  const std::int64_t roundf = f > 0.5 ? 1 : 0;
  const auto npwrs = static_cast<size_t>(2 * (ll + 1));
  const double nd = static_cast<double>(n);
  std::vector<double> gpower(npwrs), twogpower(npwrs), onem2gpower(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
  for (size_t m = 1; m < npwrs; ++m) {
    const double md = static_cast<double>(m);
    gpower[m] = gpower[m - 1] * (g / nd) / md;
    twogpower[m] = twogpower[m - 1] * (2 * g / nd) / md;
    onem2gpower[m] = onem2gpower[m - 1] * ((1 - 2 * g) / nd) / md;
  }
  std::vector<double> v0(npwrs, 0.0), v1(npwrs, 0.0);
  v1[0] = 1.0;
  std::int64_t v0s = 0, v1s = 0;
  std::int64_t exponent = 0;
  std::int64_t j1 = 0, j2 = 0;
  PomeranzRange(0, n, ll, ceilf, roundf, &j1, &j2);
  std::vector<double> conv;
  for (std::int64_t i = 1; i < 2 * n + 2; ++i) {
    const std::int64_t k1 = j1;
    std::swap(v0, v1);
    std::swap(v0s, v1s);
    std::fill(v1.begin(), v1.end(), 0.0);
    PomeranzRange(i, n, ll, ceilf, roundf, &j1, &j2);
    const std::vector<double>& pwrs =
        (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 ? twogpower : onem2gpower);
    const std::int64_t ln2 = j2 - k1 + 1;
    if (ln2 <= 0) continue;
    // Full convolution of v0[k1 - v0s, +ln2) with pwrs[0, ln2), both clipped
    // to the arrays as numpy slicing would.
    const std::int64_t a_begin = k1 - v0s;
    const std::int64_t a_len =
        std::max<std::int64_t>(0, std::min<std::int64_t>(ln2, std::ssize(v0) - a_begin));
    const std::int64_t b_len = std::min<std::int64_t>(ln2, std::ssize(pwrs));
    if (a_len == 0 || b_len == 0) continue;
    conv.assign(static_cast<size_t>(a_len + b_len - 1), 0.0);
    for (std::int64_t p = 0; p < a_len; ++p) {
      const double a = v0[static_cast<size_t>(a_begin + p)];
      for (std::int64_t q = 0; q < b_len; ++q) conv[static_cast<size_t>(p + q)] += a * pwrs[q];
    }
    const std::int64_t conv_start = j1 - k1;
    const std::int64_t conv_len = j2 - j1 + 1;
    double max_v = 0.0;
    for (std::int64_t c = 0; c < conv_len; ++c) {
      const std::int64_t src = conv_start + c;
      if (src < 0 || src >= std::ssize(conv) || c >= std::ssize(v1)) continue;
      v1[static_cast<size_t>(c)] = conv[static_cast<size_t>(src)];
      max_v = std::max(max_v, v1[static_cast<size_t>(c)]);
    }
    if (max_v > 0 && max_v < kScaleDown) {
      for (double& e : v1) e *= kScaleUp;
      exponent -= kScaleExp;
    }
    v1s = v0s + j1 - k1;
  }
  const std::int64_t idx = n - v1s;
  if (idx < 0 || idx >= std::ssize(v1)) return 0.0;
  double ans = v1[static_cast<size_t>(idx)];
  for (std::int64_t m = 1; m <= n; ++m) {
    if (std::abs(ans) > kScaleUp) {
      ans *= kScaleDown;
      exponent += kScaleExp;
    }
    ans *= static_cast<double>(m);
  }
  return std::ldexp(ans, static_cast<int>(exponent));
}

// Pelz & Good (1976): the Li-Chien/Korolyuk expansion in powers of 1/sqrt(n),
// each term rewritten with Jacobi theta identities so it converges for small z.
double PelzGoodCdf(std::int64_t n, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double nd = static_cast<double>(n);
  const double z = std::sqrt(nd) * x;
  const double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
  const double pi2 = kPi * kPi, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
  const double qlog = -pi2 / 8 / z2;
  if (qlog < -708) return 0.0;
  double q = std::exp(qlog);

  const double k1a = -z2;
  const double k1b = pi2 / 4;
  const double k2a = 6 * z6 + 2 * z4;
  const double k2b = (2 * z4 - 5 * z2) * pi2 / 4;
  const double k2c = pi4 * (1 - 2 * z2) / 16;
  const double k3d = pi6 * (5 - 30 * z2) / 64;
  const double k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
  const double k3b = pi2 * (135 * z4 - 96 * z6) / 4;
  const double k3a = -30 * z6 - 90 * std::pow(z, 8);

  double k[4] = {0, 0, 0, 0};
  const auto maxk = static_cast<std::int64_t>(std::ceil(16 * z / kPi));
  for (std::int64_t kk = maxk; kk > 0; --kk) {
    const double m = static_cast<double>(2 * kk - 1);
    const double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    const double qpower = std::pow(q, static_cast<double>(8 * kk));
    const double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                              k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) k[i] = k[i] * qpower + coeffs[i];
  }
  const double sqrt2pi = std::sqrt(2 * kPi);
  const double denom[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
  for (int i = 0; i < 4; ++i) k[i] = k[i] * q * sqrt2pi / denom[i];

  q = std::exp(-pi2 / 2 / z2);
  double k2extra = 0.0;
  double k3extra = 0.0;
  const double sqrt3z = std::sqrt(3.0) * z;
  for (std::int64_t kk = maxk; kk > 0; --kk) {
    const double kd = static_cast<double>(kk);
    const double qp = std::pow(q, kd * kd);
    k2extra += kd * kd * qp;
    const double kspi = kPi * kd;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * kd * kd * qp;
  }
  k[2] += k2extra * pi2 * sqrt2pi / (-36 * z3);
  k[3] += k3extra * pi2 * sqrt2pi / (216 * z6);
  double sum = 0.0;
  for (int i = 0; i < 4; ++i) sum += k[i] / std::pow(nd, i / 2.0);
  return sum;
}

}  // namespace

double KolmogorovSf(std::int64_t n, double x) {
  if (n < 1 || std::isnan(x)) return 1.0;
  if (x >= 1.0) return 0.0;
  if (x <= 0.0) return 1.0;
  const double nd = static_cast<double>(n);
  // Massart (1990): P(D+_n >= x) <= exp(-2 n x^2). Past 2 n x^2 = 745.2
  // that bound is below half the smallest subnormal double, so the sum
  // rounds to 0; skipping its n terms saves ~0.3 s at n = 5e5.
  if (2.0 * nd * x * x > kUnderflowExponent) return 0.0;
  const double t = nd * x;
  if (t <= 1.0) {
    // Ruben-Gambino: for 1/(2n) <= x <= 1/n the cdf is n! (2t - 1)^n / n^n.
    if (t <= 0.5) return 1.0;
    double cdf = 1.0;
    if (n <= 140) {
      for (std::int64_t i = 1; i <= n; ++i) cdf *= static_cast<double>(i) * (1.0 / nd) * (2 * t - 1);
    } else {
      cdf = std::exp(LogFactorialOverPower(nd) + nd * std::log(2 * t - 1));
    }
    return Clip01(1.0 - cdf);
  }
  if (t >= nd - 1) return Clip01(2 * std::pow(1.0 - x, nd));
  if (x >= 0.5) return Clip01(2 * SmirnovSf(n, x));

  const double nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return Clip01(1.0 - DurbinCdf(n, x));
    if (nxsquared <= 4) return Clip01(1.0 - PomeranzCdf(n, x));
    return Clip01(2 * SmirnovSf(n, x));
  }
  if (nxsquared >= 370.0) return 0.0;
  if (nxsquared >= 2.2) return Clip01(2 * SmirnovSf(n, x));
  double cdf = 0.0;
  if (n <= 100000 && nd * std::pow(x, 1.5) <= 1.4) {
    cdf = DurbinCdf(n, x);
  } else {
    cdf = PelzGoodCdf(n, x);
  }
  return Clip01(1.0 - cdf);
}

}  // namespace driftd::detectors::stats
