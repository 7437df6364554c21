// ADWIN, adaptive windowing change detection (Bifet & Gavaldà, "Learning from
// Time-Changing Data with Adaptive Windowing", SDM 2007), with River's
// drift.ADWIN semantics and defaults.
//
// The window is kept as an exponential histogram: rows of buckets, row r
// holding buckets that summarise 2^r values (sum and variance), at most
// max_buckets per row before the two oldest merge into the next row. Every
// `clock` values (once more than grace_period values are held) each cut of
// the window into an older part W0 and a newer part W1, both with at least
// min_window_length values, is tested:
//   |mean(W0) - mean(W1)| > sqrt(2 m var(W) d') + (2/3) d' m,
//   m = 1/(n0 - min_window_length + 1) + 1/(n1 - min_window_length + 1),
//   d' = ln(2 ln(|W|) / delta), var(W) the variance of the whole window.
// On a significant cut the oldest bucket is dropped and the scan repeats.
// Update reports a change when at least one bucket was dropped; as River
// does, the next Update then starts over from an empty window.
//
// Cut points follow River's implementation exactly (which skips the newest
// bucket of each row as a cut position), so detection indices coincide.
// Not thread-safe: one owner updates it.
#ifndef DRIFTD_DETECTORS_STATS_ADWIN_H_
#define DRIFTD_DETECTORS_STATS_ADWIN_H_

#include <cstdint>
#include <deque>
#include <vector>

namespace driftd::detectors::stats {

struct AdwinOptions {
  double delta = 0.002;  // confidence of a cut
  std::int64_t clock = 32;
  std::int64_t max_buckets = 5;
  std::int64_t min_window_length = 5;
  std::int64_t grace_period = 10;
};

class Adwin {
 public:
  explicit Adwin(const AdwinOptions& options = {});

  // Feeds one value; returns true when a change is detected at this value.
  // Non-finite values are ignored (return false, state unchanged).
  bool Update(double x);

  bool drift_detected() const { return drift_detected_; }
  double width() const { return width_; }
  double estimation() const { return width_ > 0 ? total_ / width_ : 0.0; }
  // Sample variance within the window (sum of squares / width).
  double variance() const { return width_ > 0 ? variance_ / width_ : 0.0; }

 private:
  struct Row {
    std::vector<double> totals;     // oldest first
    std::vector<double> variances;  // oldest first
  };

  void Reset();
  void Insert(double value);
  void Compress();
  double DeleteOldest();
  bool DetectChange();
  bool CutIsSignificant(double n0, double n1, double delta_mean) const;

  AdwinOptions options_;
  bool drift_detected_ = false;
  std::deque<Row> rows_;  // rows_[r] buckets hold 2^r values
  double total_ = 0.0;
  double variance_ = 0.0;  // sum of squared deviations
  double width_ = 0.0;
  std::int64_t tick_ = 0;
};

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_ADWIN_H_
