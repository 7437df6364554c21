#include "detectors/stats/categorical.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>

namespace driftd::detectors::stats {
namespace {

struct Totals {
  double ref = 0.0;
  double cur = 0.0;
};

// Validates aligned count vectors and returns their totals.
std::optional<Totals> Check(std::span<const double> ref, std::span<const double> cur) {
  if (ref.empty() || ref.size() != cur.size()) return std::nullopt;
  Totals t;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (!std::isfinite(ref[i]) || !std::isfinite(cur[i]) || ref[i] < 0 || cur[i] < 0) {
      return std::nullopt;
    }
    t.ref += ref[i];
    t.cur += cur[i];
  }
  if (!(t.ref > 0) || !(t.cur > 0)) return std::nullopt;
  return t;
}

double ChiSquareSf(double statistic, double dof) {
  if (std::isinf(statistic)) return 0.0;
  if (statistic <= 0.0) return 1.0;
  boost::math::chi_squared_distribution<double> dist(dof);
  return boost::math::cdf(boost::math::complement(dist, statistic));
}

}  // namespace

std::optional<TestResult> ChiSquareGoodnessOfFit(std::span<const double> ref,
                                                 std::span<const double> cur) {
  const std::optional<Totals> t = Check(ref, cur);
  if (!t) return std::nullopt;
  const double scale = t->cur / t->ref;
  double statistic = 0.0;
  int categories = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (ref[i] == 0 && cur[i] == 0) continue;
    ++categories;
    const double expected = ref[i] * scale;
    if (expected == 0.0) {
      statistic = std::numeric_limits<double>::infinity();
      continue;
    }
    statistic += (cur[i] - expected) * (cur[i] - expected) / expected;
  }
  if (categories < 2) return TestResult{0.0, 1.0, PValueMethod::kAsymptotic};
  return TestResult{statistic, ChiSquareSf(statistic, categories - 1), PValueMethod::kAsymptotic};
}

std::optional<TestResult> ChiSquareContingency(std::span<const double> ref,
                                               std::span<const double> cur) {
  const std::optional<Totals> t = Check(ref, cur);
  if (!t) return std::nullopt;
  const double total = t->ref + t->cur;
  std::vector<double> col;
  std::vector<size_t> idx;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (ref[i] + cur[i] > 0) idx.push_back(i);
  }
  const auto dof = static_cast<double>(idx.size()) - 1.0;
  if (dof < 1) return TestResult{0.0, 1.0, PValueMethod::kAsymptotic};
  double statistic = 0.0;
  for (size_t i : idx) {
    const double col_total = ref[i] + cur[i];
    const double observed[2] = {ref[i], cur[i]};
    const double expected[2] = {t->ref * col_total / total, t->cur * col_total / total};
    for (int r = 0; r < 2; ++r) {
      double diff = observed[r] - expected[r];
      if (dof == 1) {
        // Yates: shrink |O - E| by 0.5, but never past zero (scipy's rule).
        const double correction = std::min(0.5, std::abs(diff));
        diff = std::copysign(std::abs(diff) - correction, diff);
      }
      statistic += diff * diff / expected[r];
    }
  }
  return TestResult{statistic, ChiSquareSf(statistic, dof), PValueMethod::kAsymptotic};
}

std::optional<TestResult> TwoProportionZTest(double ref_hits, double ref_n, double cur_hits,
                                             double cur_n) {
  for (double v : {ref_hits, ref_n, cur_hits, cur_n}) {
    if (!std::isfinite(v)) return std::nullopt;
  }
  if (!(ref_n > 0) || !(cur_n > 0)) return std::nullopt;
  if (ref_hits < 0 || ref_hits > ref_n || cur_hits < 0 || cur_hits > cur_n) return std::nullopt;
  const double p1 = ref_hits / ref_n;
  const double p2 = cur_hits / cur_n;
  const double pooled = (p1 * ref_n + p2 * cur_n) / (ref_n + cur_n);
  const double variance = pooled * (1 - pooled) * (1.0 / ref_n + 1.0 / cur_n);
  if (!(variance > 0)) return TestResult{0.0, 1.0, PValueMethod::kAsymptotic};
  const double z = (p1 - p2) / std::sqrt(variance);
  // 2 (1 - Phi(|z|)) written with erfc so small p-values keep their digits.
  const double p = std::erfc(std::abs(z) / std::sqrt(2.0));
  return TestResult{z, std::clamp(p, 0.0, 1.0), PValueMethod::kAsymptotic};
}

std::optional<double> LInfinityDistance(std::span<const double> ref, std::span<const double> cur) {
  const std::optional<Totals> t = Check(ref, cur);
  if (!t) return std::nullopt;
  double d = 0.0;
  for (size_t i = 0; i < ref.size(); ++i) {
    d = std::max(d, std::abs(ref[i] / t->ref - cur[i] / t->cur));
  }
  return d;
}

std::optional<double> TotalVariationDistance(std::span<const double> ref,
                                              std::span<const double> cur) {
  const std::optional<Totals> t = Check(ref, cur);
  if (!t) return std::nullopt;
  double d = 0.0;
  for (size_t i = 0; i < ref.size(); ++i) d += std::abs(ref[i] / t->ref - cur[i] / t->cur);
  return d / 2.0;
}

std::optional<double> UnseenShare(std::span<const double> ref, std::span<const double> cur) {
  const std::optional<Totals> t = Check(ref, cur);
  if (!t) return std::nullopt;
  double unseen = 0.0;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (ref[i] == 0) unseen += cur[i];
  }
  return unseen / t->cur;
}

}  // namespace driftd::detectors::stats
