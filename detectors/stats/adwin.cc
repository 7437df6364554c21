#include "detectors/stats/adwin.h"

#include <cmath>

namespace driftd::detectors::stats {
namespace {

double BucketSize(size_t row) { return std::ldexp(1.0, static_cast<int>(row)); }

}  // namespace

Adwin::Adwin(const AdwinOptions& options) : options_(options) { Reset(); }

void Adwin::Reset() {
  drift_detected_ = false;
  rows_.assign(1, Row{});
  total_ = 0.0;
  variance_ = 0.0;
  width_ = 0.0;
  tick_ = 0;
}

bool Adwin::Update(double x) {
  if (!std::isfinite(x)) return false;
  if (drift_detected_) Reset();
  Insert(x);
  drift_detected_ = DetectChange();
  return drift_detected_;
}

void Adwin::Insert(double value) {
  rows_.front().totals.push_back(value);
  rows_.front().variances.push_back(0.0);
  width_ += 1;
  if (width_ > 1.0) {
    // Welford-style update of the sum of squared deviations.
    const double prev_mean = total_ / (width_ - 1.0);
    variance_ += (width_ - 1.0) * (value - prev_mean) * (value - prev_mean) / width_;
  }
  total_ += value;
  Compress();
}

void Adwin::Compress() {
  const auto limit = static_cast<size_t>(options_.max_buckets);
  for (size_t r = 0; r < rows_.size(); ++r) {
    Row& row = rows_[r];
    if (row.totals.size() != limit + 1) break;
    if (r + 1 == rows_.size()) rows_.emplace_back();
    Row& next = rows_[r + 1];
    Row& cur = rows_[r];  // emplace_back on a deque keeps references valid
    const double n = BucketSize(r);
    const double mu1 = cur.totals[0] / n;
    const double mu2 = cur.totals[1] / n;
    next.totals.push_back(cur.totals[0] + cur.totals[1]);
    next.variances.push_back(cur.variances[0] + cur.variances[1] +
                             n * n * (mu1 - mu2) * (mu1 - mu2) / (n + n));
    cur.totals.erase(cur.totals.begin(), cur.totals.begin() + 2);
    cur.variances.erase(cur.variances.begin(), cur.variances.begin() + 2);
    if (next.totals.size() <= limit) break;
  }
}

double Adwin::DeleteOldest() {
  Row& row = rows_.back();
  const double n = BucketSize(rows_.size() - 1);
  const double u = row.totals.front();
  const double mu = u / n;
  const double v = row.variances.front();
  width_ -= n;
  total_ -= u;
  const double mu_window = total_ / width_;
  variance_ -= v + n * width_ * (mu - mu_window) * (mu - mu_window) / (n + width_);
  row.totals.erase(row.totals.begin());
  row.variances.erase(row.variances.begin());
  if (row.totals.empty()) rows_.pop_back();
  return n;
}

bool Adwin::CutIsSignificant(double n0, double n1, double delta_mean) const {
  const double min_len = static_cast<double>(options_.min_window_length);
  const double delta_prime = std::log(2 * std::log(width_) / options_.delta);
  const double m_recip = 1.0 / (n0 - min_len + 1) + 1.0 / (n1 - min_len + 1);
  const double epsilon = std::sqrt(2 * m_recip * (variance_ / width_) * delta_prime) +
                         2.0 / 3.0 * delta_prime * m_recip;
  return std::abs(delta_mean) > epsilon;
}

bool Adwin::DetectChange() {
  bool change = false;
  ++tick_;
  if (tick_ % options_.clock != 0 || !(width_ > static_cast<double>(options_.grace_period))) {
    return false;
  }
  const double min_len = static_cast<double>(options_.min_window_length);
  bool reduce = true;
  while (reduce) {
    reduce = false;
    bool done = false;
    double n0 = 0.0, n1 = width_, u0 = 0.0, u1 = total_;
    // Scan from the oldest row. River never uses a row's newest bucket as a
    // cut position (its inner loop stops one short); reproduced on purpose.
    for (size_t r = rows_.size(); r-- > 0 && !done;) {
      const Row& row = rows_[r];
      const double n2 = BucketSize(r);
      for (size_t k = 0; k + 1 < row.totals.size(); ++k) {
        n0 += n2;
        n1 -= n2;
        u0 += row.totals[k];
        u1 -= row.totals[k];
        const double delta_mean = u0 / n0 - u1 / n1;
        if (n1 >= min_len && n0 >= min_len && CutIsSignificant(n0, n1, delta_mean)) {
          reduce = true;
          change = true;
          if (width_ > 0) {
            DeleteOldest();
            done = true;
            break;
          }
        }
      }
    }
  }
  return change;
}

}  // namespace driftd::detectors::stats
