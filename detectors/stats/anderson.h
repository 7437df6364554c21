// k-sample Anderson-Darling test (Scholz & Stephens 1987), matching
// scipy.stats.anderson_ksamp(samples, midrank=...) without a permutation method.
//
// Statistic: the standardised A2 = (A2kN - (k - 1)) / sigma_N, where A2kN is
// Scholz & Stephens' eq. 7 (midrank = true, for data with ties) or eq. 6
// (right-continuous ECDF), and sigma_N^2 its exact variance under the null.
//
// p-value (method kInterpolated): log(significance) is fitted by a quadratic
// in the tabulated critical values of Scholz & Stephens' Table 2 (levels 25%,
// 10%, 5%, 2.5%, 1%, 0.5%, 0.1%), then evaluated at A2. It is capped at 0.25
// and floored at 0.001 outside the table, so p == 0.25 means "p >= 0.25" and
// p == 0.001 means "p <= 0.001".
#ifndef DRIFTD_DETECTORS_STATS_ANDERSON_H_
#define DRIFTD_DETECTORS_STATS_ANDERSON_H_

#include <array>
#include <optional>
#include <span>
#include <vector>

#include "detectors/stats/result.h"

namespace driftd::detectors::stats {

struct AndersonResult {
  TestResult test;  // statistic = standardised A2; p_value always present
  // Critical values for the significance levels kAndersonLevels.
  std::array<double, 7> critical_values{};
};

inline constexpr std::array<double, 7> kAndersonLevels = {0.25, 0.1,   0.05, 0.025,
                                                          0.01, 0.005, 0.001};

// Samples in any order. Returns std::nullopt when there are fewer than 2
// samples, a sample is empty, a value is not finite, the pooled sample has
// fewer than 2 distinct values, or fewer than 4 values in all.
[[nodiscard]] std::optional<AndersonResult> AndersonKSample(
    const std::vector<std::span<const double>>& samples, bool midrank = true);

// Convenience for two samples (Evidently's "anderson" test uses the midrank
// version and reports the p-value).
[[nodiscard]] std::optional<TestResult> AndersonDarling2Sample(std::span<const double> ref,
                                                               std::span<const double> cur);

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_ANDERSON_H_
