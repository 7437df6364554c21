#include "detectors/stats/cusum.h"

#include <algorithm>
#include <cmath>

namespace driftd::detectors::stats {

Cusum::Cusum(const CusumOptions& options) : options_(options) {
  options_.min_instances = std::max<std::int64_t>(options_.min_instances, 1);
  options_.slack = std::max(options_.slack, 0.0);
  Reset();
}

void Cusum::Reset() {
  drift_detected_ = false;
  count_ = 0;
  mean_ = 0.0;
  m2_ = 0.0;
  reference_.reset();
  sigma_ = 0.0;
  sum_up_ = 0.0;
  sum_down_ = 0.0;
}

bool Cusum::Update(double x) {
  if (!std::isfinite(x)) return false;
  if (drift_detected_) Reset();
  ++count_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(count_);
  m2_ += delta * (x - mean_);
  if (count_ < options_.min_instances) return false;
  if (!reference_) {
    // Frozen after the warm-up: a running mean would chase the shift itself.
    reference_ = mean_;
    sigma_ = count_ > 1 ? std::sqrt(std::max(m2_ / static_cast<double>(count_ - 1), 0.0)) : 0.0;
  }
  const double k = options_.slack * sigma_;
  const double h = options_.threshold * sigma_;
  const double deviation = x - *reference_;
  sum_up_ = std::max(0.0, sum_up_ + deviation - k);
  sum_down_ = std::max(0.0, sum_down_ - deviation - k);
  const bool up = sum_up_ > h;
  const bool down = sum_down_ > h;
  drift_detected_ = DriftInDirection(options_.mode, up, down);
  return drift_detected_;
}

}  // namespace driftd::detectors::stats
