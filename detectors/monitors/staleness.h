// StalenessMonitor (M4, "models are not too stale").
//
//   ModelStale  age = now - trained_at against max_model_age. trained_at is
//               the newest model event's, else the config's; not judged
//               while unknown.
//   DataSilent  silence = now - (event time of the newest event of the
//               model, or `started_at` when none arrived yet) against
//               max_silence. Evaluated on the clock: a model that stops
//               sending is caught at the first evaluation past the limit.
// Each finding is produced only when its limit is configured.
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_MONITORS_STALENESS_H_
#define DRIFTD_DETECTORS_MONITORS_STALENESS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/finding.h"
#include "detectors/monitors/monitor_common.h"

namespace driftd::detectors {

class StalenessMonitor {
 public:
  StalenessMonitor(std::optional<Duration> max_model_age, std::optional<Duration> max_silence,
                   std::optional<Timestamp> configured_trained_at, Timestamp started_at)
      : max_model_age_(max_model_age),
        max_silence_(max_silence),
        configured_trained_at_(configured_trained_at),
        started_at_(started_at) {}

  void ObserveEvent(Timestamp ts) {
    if (!last_event_ || ts > *last_event_) last_event_ = ts;
  }

  // `trained_at` from model events (DependencyTracker), if any.
  std::vector<Finding> Evaluate(const FindingBase& base, std::optional<Timestamp> trained_at) const;

  // now - trained_at, when known.
  std::optional<Duration> Age(Timestamp now, std::optional<Timestamp> trained_at) const;
  std::optional<Timestamp> last_event() const { return last_event_; }
  bool configured() const { return max_model_age_ || max_silence_; }

  void AppendTo(std::string* out) const;
  [[nodiscard]] bool ParseFrom(std::string_view* in);

 private:
  std::optional<Duration> max_model_age_;
  std::optional<Duration> max_silence_;
  std::optional<Timestamp> configured_trained_at_;
  Timestamp started_at_;
  std::optional<Timestamp> last_event_;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_STALENESS_H_
