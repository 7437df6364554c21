#include "detectors/stats/anderson.h"

#include <algorithm>
#include <cmath>

namespace driftd::detectors::stats {
namespace {

// Number of values <= v (side right) and < v (side left) in a sorted sample.
double CountLE(const std::vector<double>& s, double v) {
  return static_cast<double>(std::upper_bound(s.begin(), s.end(), v) - s.begin());
}
double CountLT(const std::vector<double>& s, double v) {
  return static_cast<double>(std::lower_bound(s.begin(), s.end(), v) - s.begin());
}

// Least-squares quadratic through (x_i, y_i), coefficients c0 + c1 x + c2 x^2.
// Normal equations in long double; the abscissae are O(1) so this is as
// accurate as numpy.polyfit's SVD here.
std::array<double, 3> QuadraticFit(const std::array<double, 7>& x, const std::array<double, 7>& y) {
  long double s[5] = {0, 0, 0, 0, 0};
  long double t[3] = {0, 0, 0};
  for (size_t i = 0; i < x.size(); ++i) {
    long double p = 1.0L;
    for (int d = 0; d < 5; ++d) {
      s[d] += p;
      if (d < 3) t[d] += p * y[i];
      p *= x[i];
    }
  }
  long double a[3][4] = {{s[0], s[1], s[2], t[0]}, {s[1], s[2], s[3], t[1]},
                         {s[2], s[3], s[4], t[2]}};
  for (int c = 0; c < 3; ++c) {
    int pivot = c;
    for (int r = c + 1; r < 3; ++r) {
      if (std::fabs(a[r][c]) > std::fabs(a[pivot][c])) pivot = r;
    }
    for (int k = 0; k < 4; ++k) std::swap(a[c][k], a[pivot][k]);
    for (int r = 0; r < 3; ++r) {
      if (r == c) continue;
      const long double f = a[r][c] / a[c][c];
      for (int k = c; k < 4; ++k) a[r][k] -= f * a[c][k];
    }
  }
  return {static_cast<double>(a[0][3] / a[0][0]), static_cast<double>(a[1][3] / a[1][1]),
          static_cast<double>(a[2][3] / a[2][2])};
}

}  // namespace

std::optional<AndersonResult> AndersonKSample(const std::vector<std::span<const double>>& samples,
                                              bool midrank) {
  const size_t k = samples.size();
  if (k < 2) return std::nullopt;
  std::vector<std::vector<double>> sorted;
  std::vector<double> z;
  for (const auto& s : samples) {
    if (s.empty()) return std::nullopt;
    for (double v : s) {
      if (!std::isfinite(v)) return std::nullopt;
    }
    sorted.emplace_back(s.begin(), s.end());
    std::sort(sorted.back().begin(), sorted.back().end());
    z.insert(z.end(), s.begin(), s.end());
  }
  std::sort(z.begin(), z.end());
  std::vector<double> zstar = z;
  zstar.erase(std::unique(zstar.begin(), zstar.end()), zstar.end());
  const double big_n = static_cast<double>(z.size());
  if (zstar.size() < 2 || z.size() < 4) return std::nullopt;

  double a2kn = 0.0;
  if (midrank) {
    // Scholz & Stephens eq. 7: ECDFs at the midpoints of tied groups.
    for (size_t i = 0; i < k; ++i) {
      const auto& s = sorted[i];
      const double ni = static_cast<double>(s.size());
      double inner = 0.0;
      for (double v : zstar) {
        const double left = CountLT(z, v);
        const double lj = CountLE(z, v) - left;
        const double bj = left + lj / 2.0;
        const double fij = CountLE(s, v) - CountLT(s, v);
        const double mij = CountLE(s, v) - fij / 2.0;
        inner += lj / big_n * std::pow(big_n * mij - bj * ni, 2) /
                 (bj * (big_n - bj) - big_n * lj / 4.0);
      }
      a2kn += inner / ni;
    }
    a2kn *= (big_n - 1.0) / big_n;
  } else {
    // Eq. 6: right-continuous ECDFs, every distinct value but the largest.
    for (size_t i = 0; i < k; ++i) {
      const auto& s = sorted[i];
      const double ni = static_cast<double>(s.size());
      double inner = 0.0;
      for (size_t j = 0; j + 1 < zstar.size(); ++j) {
        const double v = zstar[j];
        const double lj = CountLE(z, v) - CountLT(z, v);
        const double bj = CountLE(z, v);
        const double mij = CountLE(s, v);
        inner += lj / big_n * std::pow(big_n * mij - bj * ni, 2) / (bj * (big_n - bj));
      }
      a2kn += inner / ni;
    }
  }

  // Variance of A2kN under the null (Scholz & Stephens eq. 4).
  double h_inv = 0.0;  // H = sum 1/n_i
  for (const auto& s : sorted) h_inv += 1.0 / static_cast<double>(s.size());
  double h = 1.0;  // sum_{i=1}^{N-1} 1/i
  double g = 0.0;  // sum_{i=1}^{N-2} sum_{j=i+1}^{N-1} 1/((N - i) j)
  {
    // Running sums of 1/(N-1), 1/(N-2), ..., 1/2; g adds the j-th running sum
    // divided by j + 1 (the same order of operations as scipy).
    double cum = 0.0;
    const auto n_int = static_cast<long long>(z.size());
    for (long long idx = 0; idx < n_int - 2; ++idx) {
      cum += 1.0 / static_cast<double>(n_int - 1 - idx);
      g += cum / static_cast<double>(idx + 2);
    }
    h = cum + 1.0;
  }
  const double kd = static_cast<double>(k);
  const double a = (4 * g - 6) * (kd - 1) + (10 - 6 * g) * h_inv;
  const double b = (2 * g - 4) * kd * kd + 8 * h * kd + (2 * g - 14 * h - 4) * h_inv - 8 * h +
                   4 * g - 6;
  const double c = (6 * h + 2 * g - 2) * kd * kd + (4 * h - 4 * g + 6) * kd + (2 * h - 6) * h_inv +
                   4 * h;
  const double d = (2 * h + 6) * kd * kd - 4 * h * kd;
  const double sigmasq = (a * std::pow(big_n, 3) + b * big_n * big_n + c * big_n + d) /
                         ((big_n - 1.0) * (big_n - 2.0) * (big_n - 3.0));
  const double m = kd - 1;
  const double a2 = (a2kn - m) / std::sqrt(sigmasq);

  // Scholz & Stephens Table 2 interpolation coefficients.
  constexpr std::array<double, 7> kB0 = {0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085};
  constexpr std::array<double, 7> kB1 = {-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615};
  constexpr std::array<double, 7> kB2 = {-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154};
  AndersonResult result;
  std::array<double, 7> log_sig{};
  for (size_t i = 0; i < 7; ++i) {
    result.critical_values[i] = kB0[i] + kB1[i] / std::sqrt(m) + kB2[i] / m;
    log_sig[i] = std::log(kAndersonLevels[i]);
  }
  const auto [lo, hi] =
      std::minmax_element(result.critical_values.begin(), result.critical_values.end());
  double p = 0.0;
  if (a2 < *lo) {
    p = kAndersonLevels.front();
  } else if (a2 > *hi) {
    p = kAndersonLevels.back();
  } else {
    const auto coef = QuadraticFit(result.critical_values, log_sig);
    p = std::exp(coef[0] + coef[1] * a2 + coef[2] * a2 * a2);
  }
  result.test = TestResult{a2, p, PValueMethod::kInterpolated};
  return result;
}

std::optional<TestResult> AndersonDarling2Sample(std::span<const double> ref,
                                                 std::span<const double> cur) {
  std::optional<AndersonResult> r = AndersonKSample({ref, cur}, /*midrank=*/true);
  if (!r) return std::nullopt;
  return r->test;
}

}  // namespace driftd::detectors::stats
