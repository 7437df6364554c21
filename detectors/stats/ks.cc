#include "detectors/stats/ks.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace driftd::detectors::stats {
namespace {

// P(D_{n,n} >= h/n) = 2 * sum_k (-1)^(k+1) C(2n, n - k h) / C(2n, n), evaluated
// Horner-style on term ratios so the alternating sum does not cancel.
double ProbOutsideSquare(std::int64_t n, std::int64_t h) {
  double p = 0.0;
  for (std::int64_t k = n / h; k >= 0; --k) {
    double p1 = 1.0;
    for (std::int64_t j = 0; j < h; ++j) {
      p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
    }
    p = p1 * (1.0 - p);
  }
  return 2 * p;
}

// Proportion of lattice paths (0,0) -> (m,n) that leave the band
// |x/m - y/n| < h/lcm(m,n), computed column by column as 1 - p directly
// (Viehmann 2021), so tiny p-values keep their relative accuracy. Only a
// sliding window of one column is kept.
double OuterProbInside(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h) {
  if (m < n) std::swap(m, n);
  const std::int64_t mg = m / g;
  const std::int64_t ng = n / g;
  auto floor_div = [](std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  };
  auto ceil_div = [&](std::int64_t a, std::int64_t b) { return -floor_div(-a, b); };

  std::int64_t minj = 0;
  std::int64_t maxj = std::min(ceil_div(h, mg), n + 1);
  std::int64_t curlen = maxj - minj;
  const std::int64_t len_a = std::min(2 * maxj + 2, n + 1);
  std::vector<double> a(static_cast<size_t>(len_a), 1.0);
  for (std::int64_t j = minj; j < std::min(maxj, len_a); ++j) a[static_cast<size_t>(j)] = 0.0;
  for (std::int64_t i = 1; i <= m; ++i) {
    const std::int64_t lastminj = minj;
    const std::int64_t lastlen = curlen;
    minj = std::min(std::max(floor_div(ng * i - h, mg) + 1, std::int64_t{0}), n);
    maxj = std::min(ceil_div(ng * i + h, mg), n + 1);
    if (maxj <= minj) return 1.0;
    double val = minj == 0 ? 0.0 : 1.0;
    for (std::int64_t jj = 0; jj < maxj - minj; ++jj) {
      const std::int64_t j = jj + minj;
      val = (a[static_cast<size_t>(jj + minj - lastminj)] * static_cast<double>(i) +
             val * static_cast<double>(j)) /
            static_cast<double>(i + j);
      a[static_cast<size_t>(jj)] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      const std::int64_t end = std::min(maxj - minj + (lastlen - curlen), len_a);
      for (std::int64_t j = maxj - minj; j < end; ++j) a[static_cast<size_t>(j)] = 1.0;
    }
  }
  return a[static_cast<size_t>(maxj - minj - 1)];
}

}  // namespace

std::optional<double> KsExactPValue(std::int64_t n, std::int64_t m, std::int64_t h) {
  if (n <= 0 || m <= 0 || h < 0) return std::nullopt;
  if (h == 0) return 1.0;
  const std::int64_t g = std::gcd(n, m);
  const double p = n == m ? ProbOutsideSquare(n, h) : OuterProbInside(n, m, g, h);
  if (!std::isfinite(p) || p < 0.0 || p > 1.0) return std::nullopt;
  return p;
}

std::optional<TestResult> KolmogorovSmirnov(std::span<const double> sorted_ref,
                                            std::span<const double> sorted_cur, KsMethod method) {
  if (sorted_ref.empty() || sorted_cur.empty()) return std::nullopt;
  const auto n1 = static_cast<std::int64_t>(sorted_ref.size());
  const auto n2 = static_cast<std::int64_t>(sorted_cur.size());
  const double dn1 = static_cast<double>(n1);
  const double dn2 = static_cast<double>(n2);

  // One element per step in merged order; the side is picked by a select,
  // not a branch (the interleaving of two samples is random, so a branch
  // would mispredict half the time). The ECDF difference i/n1 - j/n2 is
  // taken before each step whose value exceeds the previous one: there
  // every copy of the previous value is consumed on both sides, exactly the
  // states where scipy's searchsorted (side="right") evaluates it, in the
  // same double arithmetic. The last state (all consumed) has difference 0.
  const double* x = sorted_ref.data();
  const double* y = sorted_cur.data();
  const size_t nx = sorted_ref.size(), ny = sorted_cur.size();
  double max_diff = 0.0;  // max of F_ref - F_cur
  double min_diff = 0.0;  // min of F_ref - F_cur
  size_t i = 0, j = 0;
  double prev = x[0] < y[0] ? x[0] : y[0];
  bool finite = true;
  auto visit = [&](double next) {
    // Every value is `next` once, so this sees every NaN and infinity.
    finite &= std::isfinite(next);
    const double diff = static_cast<double>(i) / dn1 - static_cast<double>(j) / dn2;
    const double counted = next > prev ? diff : 0.0;
    max_diff = std::max(max_diff, counted);
    min_diff = std::min(min_diff, counted);
    prev = next;
  };
  while (i < nx && j < ny) {
    const double a = x[i], b = y[j];
    const bool take_ref = a <= b;
    visit(take_ref ? a : b);
    i += take_ref;
    j += !take_ref;
  }
  for (; i < nx; ++i) visit(x[i]);
  for (; j < ny; ++j) visit(y[j]);
  if (!finite) return std::nullopt;
  double d = std::max(max_diff, std::clamp(-min_diff, 0.0, 1.0));

  if (method == KsMethod::kAuto) {
    method = std::max(n1, n2) <= kKsMaxExactSize ? KsMethod::kExact : KsMethod::kAsymptotic;
  } else if (method == KsMethod::kExact) {
    // scipy switches to the asymptotic method when lcm(n1, n2) would overflow int32.
    const std::int64_t g = std::gcd(n1, n2);
    if (static_cast<double>(n1 / g) >= 2147483647.0 / static_cast<double>(n2 / g)) {
      method = KsMethod::kAsymptotic;
    }
  }

  if (method == KsMethod::kExact) {
    const std::int64_t g = std::gcd(n1, n2);
    const std::int64_t lcm = (n1 / g) * n2;
    // Snap d to the lattice of attainable values so the path count is exact.
    const auto h = static_cast<std::int64_t>(std::nearbyint(d * static_cast<double>(lcm)));
    const double snapped = static_cast<double>(h) / static_cast<double>(lcm);
    if (std::optional<double> p = KsExactPValue(n1, n2, h)) {
      return TestResult{snapped, std::clamp(*p, 0.0, 1.0), PValueMethod::kExact};
    }
    d = snapped;  // scipy keeps the snapped statistic when it falls back
  }
  const double big = std::max(dn1, dn2);
  const double small = std::min(dn1, dn2);
  const double en = big * small / (big + small);
  const auto k = static_cast<std::int64_t>(std::nearbyint(en));
  return TestResult{d, KolmogorovSf(std::max<std::int64_t>(k, 1), d), PValueMethod::kAsymptotic};
}

}  // namespace driftd::detectors::stats
