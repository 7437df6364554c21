// Maximum mean discrepancy between two multivariate samples with a Gaussian
// (RBF) kernel k(a, b) = exp(-|a - b|^2 / (2 sigma^2)) (Gretton et al., "A
// Kernel Two-Sample Test", JMLR 2012).
//
// Statistic: the unbiased estimate
//   MMD^2_u = sum_{i != j} k(x_i, x_j) / (n (n-1)) + sum_{i != j} k(y_i, y_j) / (m (m-1))
//             - 2 sum_{i,j} k(x_i, y_j) / (n m)
// (it can be slightly negative when the samples agree).
// Bandwidth: the median heuristic, sigma = median Euclidean distance between
// distinct pairs of the pooled sample (falling back to the mean non-zero
// distance, then to 1, when the median is 0).
// p-value (kPermutation): (1 + #{b : MMD^2_b >= MMD^2}) / (1 + B) over B
// random relabellings of the pooled sample, drawn from a mt19937_64 seeded
// with `seed`, so the same input and options always give the same p-value.
//
// Cost: O((n + m)^2 d) time and O((n + m)^2) memory for the kernel matrix,
// plus O(B (n + m)^2) for the permutations: subsample large windows first.
#ifndef DRIFTD_DETECTORS_STATS_MMD_H_
#define DRIFTD_DETECTORS_STATS_MMD_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "detectors/stats/result.h"

namespace driftd::detectors::stats {

struct MmdOptions {
  int permutations = 100;     // B; 0 skips the p-value
  std::uint64_t seed = 1234;  // fixed, for reproducible p-values
  // When > 0, use this bandwidth instead of the median heuristic.
  double sigma = 0.0;
};

struct MmdResult {
  TestResult test;     // statistic = MMD^2_u
  double sigma = 0.0;  // the bandwidth used
};

// `ref` and `cur` are row-major matrices with `dim` columns (one row per
// observation). Returns std::nullopt when dim is 0, a size is not a multiple
// of dim, a sample has fewer than 2 rows, or a value is not finite.
[[nodiscard]] std::optional<MmdResult> MaximumMeanDiscrepancy(std::span<const double> ref,
                                                              std::span<const double> cur,
                                                              std::size_t dim,
                                                              const MmdOptions& options = {});

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_MMD_H_
