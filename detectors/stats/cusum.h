// Tabular CUSUM control chart on a scalar stream (Page 1954), with the
// semantics of River's drift.CUSUM: the reference mean mu and standard
// deviation sigma (sample, ddof = 1) are estimated over the first
// min_instances values and then frozen, and from that value on
//   S+_t = max(0, S+_{t-1} + (x_t - mu) - k),   S-_t = max(0, S-_{t-1} - (x_t - mu) - k),
//   k = slack * sigma,  h = threshold * sigma;
// a change is an increase when S+_t > h, a decrease when S-_t > h. After a
// detection the next Update starts over (new warm-up). The classical
// settings for standardised data are slack 0.5 and threshold 5.
//
// Not thread-safe: one owner updates it.
#ifndef DRIFTD_DETECTORS_STATS_CUSUM_H_
#define DRIFTD_DETECTORS_STATS_CUSUM_H_

#include <cstdint>
#include <optional>

#include "detectors/stats/page_hinkley.h"  // ChangeDirection

namespace driftd::detectors::stats {

struct CusumOptions {
  std::int64_t min_instances = 30;  // warm-up length, >= 1
  double slack = 0.5;               // k in reference standard deviations, >= 0
  double threshold = 5.0;           // h in reference standard deviations, > 0
  ChangeDirection mode = ChangeDirection::kBoth;
};

class Cusum {
 public:
  explicit Cusum(const CusumOptions& options = {});

  // Feeds one value; returns true when a change is detected at this value.
  // Non-finite values are ignored (return false, state unchanged).
  bool Update(double x);

  bool drift_detected() const { return drift_detected_; }
  // The frozen reference mean, once the warm-up is over.
  std::optional<double> reference() const { return reference_; }
  double sum_increase() const { return sum_up_; }
  double sum_decrease() const { return sum_down_; }

 private:
  void Reset();

  CusumOptions options_;
  bool drift_detected_ = false;
  std::int64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;  // Welford sum of squared deviations
  std::optional<double> reference_;
  double sigma_ = 0.0;
  double sum_up_ = 0.0;
  double sum_down_ = 0.0;
};

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_CUSUM_H_
