#include "detectors/stats/page_hinkley.h"

#include <cmath>
#include <limits>

namespace driftd::detectors::stats {

PageHinkley::PageHinkley(const PageHinkleyOptions& options) : options_(options) { Reset(); }

void PageHinkley::Reset() {
  drift_detected_ = false;
  count_ = 0;
  mean_ = 0.0;
  sum_up_ = 0.0;
  sum_down_ = 0.0;
  min_up_ = std::numeric_limits<double>::infinity();
  // River starts the maximum at -1, not -inf; kept so detections coincide.
  max_down_ = -1.0;
}

bool PageHinkley::Update(double x) {
  if (!std::isfinite(x)) return false;
  if (drift_detected_) Reset();
  ++count_;
  mean_ += (1.0 / static_cast<double>(count_)) * (x - mean_);  // River's stats.Mean
  const double dev = x - mean_;
  sum_up_ = options_.alpha * sum_up_ + dev - options_.delta;
  sum_down_ = options_.alpha * sum_down_ + dev + options_.delta;
  if (sum_up_ < min_up_) min_up_ = sum_up_;
  if (sum_down_ > max_down_) max_down_ = sum_down_;
  if (count_ >= options_.min_instances) {
    const bool up = sum_up_ - min_up_ > options_.threshold;
    const bool down = max_down_ - sum_down_ > options_.threshold;
    drift_detected_ = DriftInDirection(options_.mode, up, down);
  }
  return drift_detected_;
}

}  // namespace driftd::detectors::stats
