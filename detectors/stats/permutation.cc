#include "detectors/stats/permutation.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <utility>
#include <vector>

namespace driftd::detectors::stats {
namespace {

// 2 n m TVD, exactly.
std::int64_t ScaledTvd(std::span<const std::int64_t> a, std::span<const std::int64_t> b,
                       std::int64_t n, std::int64_t m) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::llabs(a[i] * m - b[i] * n);
  return sum;
}

}  // namespace

std::optional<TestResult> TvdPermutationTest(std::span<const double> ref,
                                             std::span<const double> cur,
                                             const PermutationOptions& options) {
  if (ref.empty() || ref.size() != cur.size() || options.permutations < 1) return std::nullopt;
  constexpr double kMaxTotal = 2147483648.0;  // 2^31: keeps a_i m below 2^62
  std::vector<std::int64_t> a, b;
  double n_total = 0.0, m_total = 0.0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double r = ref[i], c = cur[i];
    if (!std::isfinite(r) || !std::isfinite(c) || r < 0 || c < 0 || r != std::trunc(r) ||
        c != std::trunc(c)) {
      return std::nullopt;
    }
    n_total += r;
    m_total += c;
    if (r == 0 && c == 0) continue;
    a.push_back(static_cast<std::int64_t>(r));
    b.push_back(static_cast<std::int64_t>(c));
  }
  if (!(n_total > 0) || !(m_total > 0) || n_total + m_total > kMaxTotal) return std::nullopt;
  const auto n = static_cast<std::int64_t>(n_total);
  const auto m = static_cast<std::int64_t>(m_total);

  double tvd = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    tvd += std::abs(static_cast<double>(a[i]) / n_total - static_cast<double>(b[i]) / m_total);
  }
  tvd *= 0.5;
  const std::int64_t observed = ScaledTvd(a, b, n, m);

  // Pooled category labels. Only the smaller side is drawn: the other side
  // is its complement, and the statistic is symmetric.
  std::vector<std::uint32_t> pool;
  pool.reserve(static_cast<std::size_t>(n + m));
  for (std::size_t i = 0; i < a.size(); ++i)
    pool.insert(pool.end(), static_cast<std::size_t>(a[i] + b[i]), static_cast<std::uint32_t>(i));
  const bool draw_ref = n <= m;
  const std::int64_t draws = draw_ref ? n : m;
  std::vector<std::int64_t> drawn(a.size()), rest(a.size());
  std::mt19937_64 rng(options.seed);
  int at_least = 0;
  for (int iteration = 0; iteration < options.permutations; ++iteration) {
    std::fill(drawn.begin(), drawn.end(), 0);
    // Partial Fisher-Yates: positions [0, draws) become a uniform random
    // subset of the pool (the pool stays a permutation of itself, so the
    // next iteration starts from any arrangement equally well).
    for (std::int64_t k = 0; k < draws; ++k) {
      std::uniform_int_distribution<std::int64_t> pick(k,
                                                       static_cast<std::int64_t>(pool.size()) - 1);
      std::swap(pool[static_cast<std::size_t>(k)], pool[static_cast<std::size_t>(pick(rng))]);
      ++drawn[pool[static_cast<std::size_t>(k)]];
    }
    for (std::size_t i = 0; i < a.size(); ++i) rest[i] = a[i] + b[i] - drawn[i];
    const std::int64_t s = draw_ref ? ScaledTvd(drawn, rest, n, m) : ScaledTvd(rest, drawn, n, m);
    if (s >= observed) ++at_least;
  }
  return TestResult{tvd, static_cast<double>(at_least) / options.permutations,
                    PValueMethod::kPermutation};
}

}  // namespace driftd::detectors::stats
