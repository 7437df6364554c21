#include "detectors/stats/mmd.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <limits>
#include <random>
#include <vector>

#include <Eigen/Dense>

namespace driftd::detectors::stats {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// MMD^2_u of the split "first n indices of `order` vs the rest".
double UnbiasedMmd2(const Eigen::MatrixXd& kernel, const std::vector<size_t>& order, size_t n) {
  const size_t total = order.size();
  const size_t m = total - n;
  double xx = 0.0, yy = 0.0, xy = 0.0;
  for (size_t a = 0; a < total; ++a) {
    const auto i = static_cast<Eigen::Index>(order[a]);
    for (size_t b = a + 1; b < total; ++b) {
      const double k = kernel(i, static_cast<Eigen::Index>(order[b]));
      if (b < n) {
        xx += k;
      } else if (a >= n) {
        yy += k;
      } else {
        xy += k;
      }
    }
  }
  const double dn = static_cast<double>(n), dm = static_cast<double>(m);
  // Off-diagonal sums cover each unordered pair once, hence the factors 2.
  return 2 * xx / (dn * (dn - 1)) + 2 * yy / (dm * (dm - 1)) - 2 * xy / (dn * dm);
}

// Uniform integer in [0, bound) from the engine, by rejection so the draw
// does not depend on the standard library's distribution implementation.
std::uint64_t Draw(std::mt19937_64& rng, std::uint64_t bound) {
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                              std::numeric_limits<std::uint64_t>::max() % bound;
  std::uint64_t r = 0;
  do {
    r = rng();
  } while (r >= limit);
  return r % bound;
}

}  // namespace

std::optional<MmdResult> MaximumMeanDiscrepancy(std::span<const double> ref,
                                                std::span<const double> cur, std::size_t dim,
                                                const MmdOptions& options) {
  if (dim == 0 || ref.size() % dim != 0 || cur.size() % dim != 0) return std::nullopt;
  const size_t n = ref.size() / dim;
  const size_t m = cur.size() / dim;
  if (n < 2 || m < 2) return std::nullopt;
  for (auto span : {ref, cur}) {
    if (!std::all_of(span.begin(), span.end(), [](double v) { return std::isfinite(v); })) {
      return std::nullopt;
    }
  }
  const auto total = static_cast<Eigen::Index>(n + m);
  const auto d = static_cast<Eigen::Index>(dim);
  RowMatrix pooled(total, d);
  pooled.topRows(static_cast<Eigen::Index>(n)) =
      Eigen::Map<const RowMatrix>(ref.data(), static_cast<Eigen::Index>(n), d);
  pooled.bottomRows(static_cast<Eigen::Index>(m)) =
      Eigen::Map<const RowMatrix>(cur.data(), static_cast<Eigen::Index>(m), d);

  // Squared distances |a|^2 + |b|^2 - 2 a.b, clamped at 0 against rounding.
  const Eigen::VectorXd norms = pooled.rowwise().squaredNorm();
  Eigen::MatrixXd dist2 = -2.0 * (pooled * pooled.transpose());
  dist2.colwise() += norms;
  dist2.rowwise() += norms.transpose();
  dist2 = dist2.cwiseMax(0.0);

  double sigma = options.sigma;
  if (!(sigma > 0)) {
    std::vector<double> dists;
    dists.reserve(static_cast<size_t>(total * (total - 1) / 2));
    for (Eigen::Index i = 0; i < total; ++i) {
      for (Eigen::Index j = i + 1; j < total; ++j) dists.push_back(std::sqrt(dist2(i, j)));
    }
    std::sort(dists.begin(), dists.end());
    const size_t half = dists.size() / 2;
    sigma = dists.size() % 2 ? dists[half] : (dists[half - 1] + dists[half]) / 2;
    if (!(sigma > 0)) {
      double sum = 0.0;
      size_t count = 0;
      for (double v : dists) {
        if (v > 0) {
          sum += v;
          ++count;
        }
      }
      sigma = count > 0 ? sum / static_cast<double>(count) : 1.0;
    }
  }
  const Eigen::MatrixXd kernel = (-dist2 / (2 * sigma * sigma)).array().exp().matrix();

  std::vector<size_t> order(static_cast<size_t>(total));
  std::iota(order.begin(), order.end(), 0);
  MmdResult result;
  result.sigma = sigma;
  result.test.statistic = UnbiasedMmd2(kernel, order, n);
  if (options.permutations > 0) {
    std::mt19937_64 rng(options.seed);
    int at_least = 0;
    for (int b = 0; b < options.permutations; ++b) {
      for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[Draw(rng, i + 1)]);
      if (UnbiasedMmd2(kernel, order, n) >= result.test.statistic) ++at_least;
    }
    result.test.p_value = (1.0 + at_least) / (1.0 + options.permutations);
    result.test.method = PValueMethod::kPermutation;
  }
  return result;
}

}  // namespace driftd::detectors::stats
