// Page-Hinkley change detector on a scalar stream (Page 1954), with River's
// drift.PageHinkley semantics and defaults, e.g. for a prediction mean or an
// error rate.
//
// With the running mean xbar_t of the values since the last reset:
//   up_t   = alpha up_{t-1}   + (x_t - xbar_t) - delta,  min_up   = min_t up_t
//   down_t = alpha down_{t-1} + (x_t - xbar_t) + delta,  max_down = max(-1, max_t down_t)
// Once at least min_instances values were seen, an increase is detected when
// up_t - min_up > threshold and a decrease when max_down - down_t > threshold.
// After a detection the next Update starts over from an empty state.
//
// Not thread-safe: one owner updates it.
#ifndef DRIFTD_DETECTORS_STATS_PAGE_HINKLEY_H_
#define DRIFTD_DETECTORS_STATS_PAGE_HINKLEY_H_

#include <cstdint>

namespace driftd::detectors::stats {

enum class ChangeDirection { kUp, kDown, kBoth };

// Whether a detector watching `direction` reports drift, given which of its
// one-sided statistics crossed the threshold (shared by Page-Hinkley and CUSUM).
inline bool DriftInDirection(ChangeDirection direction, bool up, bool down) {
  switch (direction) {
    case ChangeDirection::kUp: return up;
    case ChangeDirection::kDown: return down;
    case ChangeDirection::kBoth: return up || down;
  }
  return false;
}

struct PageHinkleyOptions {
  std::int64_t min_instances = 30;
  double delta = 0.005;         // magnitude of change tolerated
  double threshold = 50.0;      // lambda
  double alpha = 1 - 0.0001;    // forgetting factor of the cumulative sums
  ChangeDirection mode = ChangeDirection::kBoth;
};

class PageHinkley {
 public:
  explicit PageHinkley(const PageHinkleyOptions& options = {});

  // Feeds one value; returns true when a change is detected at this value.
  // Non-finite values are ignored (return false, state unchanged).
  bool Update(double x);

  bool drift_detected() const { return drift_detected_; }
  std::int64_t count() const { return count_; }
  double mean() const { return mean_; }

 private:
  void Reset();

  PageHinkleyOptions options_;
  bool drift_detected_ = false;
  std::int64_t count_ = 0;
  double mean_ = 0.0;
  double sum_up_ = 0.0;
  double sum_down_ = 0.0;
  double min_up_ = 0.0;
  double max_down_ = 0.0;
};

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_PAGE_HINKLEY_H_
