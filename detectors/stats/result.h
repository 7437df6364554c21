// Value types shared by the drift statistics in detectors/stats.
//
// Every test returns std::optional<TestResult>: std::nullopt means the input
// cannot be tested (an empty or too small sample, a non-finite value, count
// vectors of different lengths, ...). A present result never holds NaN.
#ifndef DRIFTD_DETECTORS_STATS_RESULT_H_
#define DRIFTD_DETECTORS_STATS_RESULT_H_

#include <optional>

namespace driftd::detectors::stats {

// How a p-value was obtained, so callers can report which mode produced it.
enum class PValueMethod {
  kNone,          // the statistic has no p-value (distances)
  kExact,         // exact null distribution (KS exact, CvM exact)
  kAsymptotic,    // limiting or large-sample distribution
  kInterpolated,  // interpolated from published tables (Anderson-Darling k-sample)
  kPermutation,   // Monte Carlo permutation test with a fixed seed
};

// "none", "exact", "asymptotic", "interpolated", "permutation".
const char* PValueMethodName(PValueMethod method);

struct TestResult {
  double statistic = 0.0;
  // Absent for distances; for tests a probability in [0, 1].
  std::optional<double> p_value;
  PValueMethod method = PValueMethod::kNone;
};

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_RESULT_H_
