#include "detectors/stats/divergence.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace driftd::detectors::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct SharePair {
  std::vector<double> p;
  std::vector<double> q;
};

std::optional<SharePair> Shares(std::span<const double> ref, std::span<const double> cur) {
  if (ref.size() != cur.size()) return std::nullopt;
  std::optional<std::vector<double>> p = ToShares(ref);
  std::optional<std::vector<double>> q = ToShares(cur);
  if (!p || !q) return std::nullopt;
  return SharePair{std::move(*p), std::move(*q)};
}

// x ln(x / y) with scipy.special.rel_entr's conventions for zeros.
double RelEntr(double x, double y) {
  if (x == 0.0) return 0.0;
  if (y == 0.0) return kInf;
  return x * std::log(x / y);
}

}  // namespace

std::optional<std::vector<double>> ToShares(std::span<const double> counts) {
  if (counts.empty()) return std::nullopt;
  double total = 0.0;
  for (double c : counts) {
    if (!std::isfinite(c) || c < 0.0) return std::nullopt;
    total += c;
  }
  if (!(total > 0.0) || !std::isfinite(total)) return std::nullopt;
  std::vector<double> shares(counts.begin(), counts.end());
  for (double& s : shares) s /= total;
  return shares;
}

void FillZeroShares(std::vector<double>& shares) {
  double min_nonzero = kInf;
  for (double s : shares) {
    if (s != 0.0) min_nonzero = std::min(min_nonzero, s);
  }
  if (min_nonzero == kInf) return;
  const double fill = min_nonzero <= 1e-4 ? min_nonzero / 1e6 : 1e-4;
  std::replace(shares.begin(), shares.end(), 0.0, fill);
}

std::optional<double> PopulationStabilityIndex(std::span<const double> ref,
                                               std::span<const double> cur, ZeroFill fill) {
  std::optional<SharePair> s = Shares(ref, cur);
  if (!s) return std::nullopt;
  if (fill == ZeroFill::kEvidently) {
    FillZeroShares(s->p);
    FillZeroShares(s->q);
  }
  double psi = 0.0;
  for (size_t i = 0; i < s->p.size(); ++i) {
    const double p = s->p[i], q = s->q[i];
    if (p == q) continue;  // includes bins empty on both sides
    if (p == 0.0 || q == 0.0) return kInf;
    psi += (q - p) * std::log(q / p);
  }
  return psi;
}

std::optional<double> KullbackLeibler(std::span<const double> ref, std::span<const double> cur,
                                      ZeroFill fill) {
  std::optional<SharePair> s = Shares(ref, cur);
  if (!s) return std::nullopt;
  if (fill == ZeroFill::kEvidently) {
    // scipy.stats.entropy renormalises its inputs, so the filled shares are too.
    FillZeroShares(s->p);
    FillZeroShares(s->q);
    s->p = *ToShares(s->p);
    s->q = *ToShares(s->q);
  }
  double kl = 0.0;
  for (size_t i = 0; i < s->p.size(); ++i) kl += RelEntr(s->p[i], s->q[i]);
  return kl;
}

std::optional<double> JensenShannonDistance(std::span<const double> ref,
                                            std::span<const double> cur, double base) {
  std::optional<SharePair> s = Shares(ref, cur);
  if (!s) return std::nullopt;
  double js = 0.0;
  for (size_t i = 0; i < s->p.size(); ++i) {
    const double m = (s->p[i] + s->q[i]) / 2.0;
    js += RelEntr(s->p[i], m) + RelEntr(s->q[i], m);
  }
  if (base > 0.0) js /= std::log(base);
  // Rounding can leave a tiny negative divergence for identical inputs.
  return std::sqrt(std::max(js / 2.0, 0.0));
}

std::optional<double> HellingerDistance(std::span<const double> ref,
                                        std::span<const double> cur) {
  std::optional<SharePair> s = Shares(ref, cur);
  if (!s) return std::nullopt;
  double sum = 0.0;
  for (size_t i = 0; i < s->p.size(); ++i) {
    const double d = std::sqrt(s->p[i]) - std::sqrt(s->q[i]);
    sum += d * d;
  }
  return std::sqrt(sum / 2.0);
}

}  // namespace driftd::detectors::stats
