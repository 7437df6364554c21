// ReferencePeriod<T>: the "reference period" that M6 (latency, throughput)
// and M7 (quality) compare the current window with, per the model's
// [models.M.reference] setting:
//   first, baseline  the first `reference.events` observations of this
//                    monitor after start (a training profile holds no
//                    latency or labels, so a baseline reference falls back
//                    to the first period); frozen once full, ready then.
//   rolling          a window of `reference.window` ending `reference.lag`
//                    before the newest event: a PaneRing of length
//                    window + lag whose newest ceil(lag / pane width) panes
//                    are left out of the merge; ready once it holds data.
// T is a PaneRing accumulator (see pane_ring.h).
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_MONITORS_REFERENCE_PERIOD_H_
#define DRIFTD_DETECTORS_MONITORS_REFERENCE_PERIOD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "detectors/monitors/pane_ring.h"
#include "detectors/sketch/bytes.h"

namespace driftd::detectors {

template <typename T>
class ReferencePeriod {
 public:
  ReferencePeriod(const config::ReferenceConfig& config, int panes, T prototype = T())
      : rolling_(config.type == config::ReferenceType::kRolling),
        limit_(config.events == 0 ? 1 : config.events),
        first_(prototype),
        ring_(config.window + config.lag, std::max(1, panes), prototype) {
    const Duration::rep width = ring_.pane_width().count();
    lag_panes_ = static_cast<int>((config.lag.count() + width - 1) / width);
    first_.Clear();
  }

  // Where the observation at ts goes, or nullptr when the reference takes no
  // more (first period full, or ts too old for the rolling ring).
  T* Slot(Timestamp ts) {
    if (rolling_) return ring_.Slot(ts);
    if (count_ >= limit_) return nullptr;
    ++count_;
    return &first_;
  }
  void AdvanceTo(Timestamp t) {
    if (rolling_) ring_.AdvanceTo(t);
  }
  bool Ready() const { return rolling_ ? ring_.has_watermark() : count_ >= limit_; }
  // The reference accumulator (empty until data arrives).
  T Get() const { return rolling_ ? ring_.Merged(lag_panes_) : first_; }

  void AppendTo(std::string* out) const {
    bytes::AppendU64(out, count_);
    first_.AppendTo(out);
    ring_.AppendTo(out);
  }
  [[nodiscard]] bool ParseFrom(std::string_view* in) {
    if (!bytes::ReadU64(in, &count_)) return false;
    std::optional<T> first = T::Parse(in);
    if (!first) return false;
    first_ = std::move(*first);
    return ring_.ParseFrom(in);
  }

 private:
  bool rolling_;
  std::uint64_t limit_;
  std::uint64_t count_ = 0;
  T first_;
  PaneRing<T> ring_;
  int lag_panes_ = 0;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_REFERENCE_PERIOD_H_
