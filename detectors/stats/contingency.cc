#include "detectors/stats/contingency.h"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/hypergeometric.hpp>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace driftd::detectors::stats {
namespace {

bool ValidCount(double x) { return std::isfinite(x) && x >= 0.0; }

// Non-empty pairs (ref_i, cur_i) after the shared input checks.
std::optional<std::vector<std::pair<double, double>>> Pairs(std::span<const double> ref,
                                                            std::span<const double> cur) {
  if (ref.empty() || ref.size() != cur.size()) return std::nullopt;
  std::vector<std::pair<double, double>> out;
  double n = 0.0, m = 0.0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    if (!ValidCount(ref[i]) || !ValidCount(cur[i])) return std::nullopt;
    n += ref[i];
    m += cur[i];
    if (ref[i] > 0.0 || cur[i] > 0.0) out.emplace_back(ref[i], cur[i]);
  }
  if (!(n > 0.0) || !(m > 0.0)) return std::nullopt;
  return out;
}

}  // namespace

std::optional<TestResult> GTest(std::span<const double> ref, std::span<const double> cur) {
  const auto pairs = Pairs(ref, cur);
  if (!pairs) return std::nullopt;
  double n = 0.0, m = 0.0;
  for (const auto& [r, c] : *pairs) {
    n += r;
    m += c;
  }
  const std::size_t k = pairs->size();
  if (k == 1) return TestResult{0.0, 1.0, PValueMethod::kAsymptotic};
  const double k_norm = m / n;
  double g = 0.0;
  for (const auto& [r, c] : *pairs) {
    if (c == 0.0) continue;  // xlogy(0, .) = 0
    const double expected = r * k_norm;
    if (expected == 0.0)
      return TestResult{std::numeric_limits<double>::infinity(), 0.0, PValueMethod::kAsymptotic};
    g += 2.0 * c * std::log(c / expected);
  }
  g = std::max(g, 0.0);  // rounding can leave -0.0000...1 for equal shares
  const boost::math::chi_squared_distribution<double> dist(static_cast<double>(k - 1));
  const double p = boost::math::cdf(boost::math::complement(dist, g));
  return TestResult{g, std::clamp(p, 0.0, 1.0), PValueMethod::kAsymptotic};
}

std::optional<double> FisherExact2x2(std::int64_t a, std::int64_t b, std::int64_t c,
                                     std::int64_t d) {
  if (a < 0 || b < 0 || c < 0 || d < 0) return std::nullopt;
  if (a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0) return 1.0;
  const auto n1 = static_cast<unsigned>(a + b);   // first row
  const auto n2 = static_cast<unsigned>(c + d);   // second row
  const auto col = static_cast<unsigned>(a + c);  // first column
  // X = cell (0, 0): hypergeometric with n1 "successes" among n1 + n2,
  // `col` draws (scipy's hypergeom(n1 + n2, n1, col)).
  const boost::math::hypergeometric_distribution<double> dist(n1, col, n1 + n2);
  const auto lo = static_cast<std::int64_t>(col > n2 ? col - n2 : 0);
  const auto hi = static_cast<std::int64_t>(std::min(col, n1));
  auto pmf = [&](std::int64_t x) { return boost::math::pdf(dist, static_cast<unsigned>(x)); };
  const auto mode =
      static_cast<std::int64_t>((static_cast<double>(col) + 1.0) * (static_cast<double>(n1) + 1.0) /
                                (static_cast<double>(n1 + n2) + 2.0));
  const double p_exact = pmf(a);
  const double p_mode = pmf(mode);
  constexpr double kEpsilon = 1e-14;
  if (std::abs(p_exact - p_mode) / std::max(p_exact, p_mode) <= kEpsilon) return 1.0;
  const double gamma = 1.0 + kEpsilon;
  double p = 0.0;
  if (a < mode) {
    // The observed lower tail, plus the upper tail beyond the last x >=
    // mode with pmf(x) >= pmf(a) * gamma (pmf decreases past the mode).
    p = boost::math::cdf(dist, static_cast<unsigned>(a));
    std::int64_t left = mode, right = hi;  // pmf(left) >= target
    const double target = p_exact * gamma;
    if (pmf(right) >= target) return std::min(p, 1.0);
    while (right - left > 1) {
      const std::int64_t mid = left + (right - left) / 2;
      (pmf(mid) >= target ? left : right) = mid;
    }
    p += boost::math::cdf(boost::math::complement(dist, static_cast<unsigned>(left)));
  } else {
    p = boost::math::cdf(boost::math::complement(dist, static_cast<unsigned>(a))) + p_exact;
    std::int64_t left = lo, right = mode;  // pmf(right) >= target
    const double target = p_exact * gamma;
    if (pmf(left) >= target) return std::min(p, 1.0);
    while (right - left > 1) {
      const std::int64_t mid = left + (right - left) / 2;
      (pmf(mid) >= target ? right : left) = mid;
    }
    p += boost::math::cdf(dist, static_cast<unsigned>(left));
  }
  return std::min(p, 1.0);
}

std::optional<TestResult> FisherExactTest(std::span<const double> ref,
                                          std::span<const double> cur) {
  const auto pairs = Pairs(ref, cur);
  if (!pairs || pairs->size() > 2) return std::nullopt;
  for (const auto& [r, c] : *pairs) {
    if (r != std::trunc(r) || c != std::trunc(c) || r > 2e9 || c > 2e9) return std::nullopt;
  }
  const auto count = [](double x) { return static_cast<std::int64_t>(x); };
  const std::int64_t cur_a = count((*pairs)[0].second);
  const std::int64_t ref_a = count((*pairs)[0].first);
  const std::int64_t cur_b = pairs->size() == 2 ? count((*pairs)[1].second) : 0;
  const std::int64_t ref_b = pairs->size() == 2 ? count((*pairs)[1].first) : 0;
  const auto p = FisherExact2x2(cur_a, cur_b, ref_a, ref_b);
  if (!p) return std::nullopt;
  double odds = 0.0;
  if (cur_a + cur_b > 0 && ref_a + ref_b > 0 && cur_a + ref_a > 0 && cur_b + ref_b > 0) {
    const double den = static_cast<double>(cur_b) * static_cast<double>(ref_a);
    odds = den > 0 ? static_cast<double>(cur_a) * static_cast<double>(ref_b) / den
                   : std::numeric_limits<double>::infinity();
  }
  return TestResult{odds, *p, PValueMethod::kExact};
}

}  // namespace driftd::detectors::stats
