// DependencyTracker (M1, "dependency changes result in notification").
//
// Watches three signals of one model and records a change for each:
//   model_version  a model event whose model_version differs from the
//                  current one (the first version seen is not a change)
//   dependencies   a model event whose dependencies map differs from the
//                  last map seen (compared as sorted key/value pairs)
//   feature_set    a prediction or input event carrying a feature name
//                  never seen before for this model, after the first such
//                  event (the initial set is not a change)
// Prediction events only fill in the displayed version while no model event
// has been seen: mixed versions during a canary would otherwise notify on
// every switch.
//
// Evaluate(now) returns one DependencyChanged finding per change newer than
// `notify_for` (failing = true: the notification is raised; the alert rule's
// severity is info), or a single clear finding when there is none, so the
// alert resolves. The newest kMaxChanges changes are kept for the scorecard
// and /api/v1/status. Names of unconfigured features are kept up to
// kMaxNames (the rest are counted) so memory stays bounded.
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_MONITORS_DEPENDENCY_TRACKER_H_
#define DRIFTD_DETECTORS_MONITORS_DEPENDENCY_TRACKER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detectors/event.h"
#include "detectors/finding.h"
#include "detectors/monitors/monitor_common.h"

namespace driftd::detectors {

struct DependencyChange {
  Timestamp at{};    // event time of the event that showed the change
  std::string what;  // "model_version", "dependencies", "feature_set"
  std::string from;  // previous value (dependencies: "k=v,k=v")
  std::string to;
  bool operator==(const DependencyChange&) const = default;
};

class DependencyTracker {
 public:
  static constexpr std::size_t kMaxChanges = 20;
  static constexpr std::size_t kMaxNames = 256;

  explicit DependencyTracker(Duration notify_for) : notify_for_(notify_for) {}

  // A model event: version, dependencies, trained_at.
  void ObserveModelEvent(const Event& event);
  // The version a prediction carries (see the file comment).
  void ObservePredictionVersion(std::string_view version);
  // Call once per prediction/input event, before its NoteFeatureName calls.
  void BeginFeatureEvent() { ++feature_events_; }
  // A feature name from traffic that the caller has not marked as seen.
  // Returns true when it is new (and records a feature_set change unless it
  // is part of the first event).
  bool NoteFeatureName(std::string_view name, Timestamp ts);

  std::vector<Finding> Evaluate(const FindingBase& base) const;

  const std::string& version() const { return version_; }
  std::optional<Timestamp> trained_at() const { return trained_at_; }
  const std::deque<DependencyChange>& changes() const { return changes_; }
  std::uint64_t names_over_limit() const { return names_over_limit_; }

  void AppendTo(std::string* out) const;
  [[nodiscard]] bool ParseFrom(std::string_view* in);

 private:
  void Record(DependencyChange change);

  Duration notify_for_;
  std::string version_;
  bool version_from_model_event_ = false;
  std::optional<std::vector<std::pair<std::string, std::string>>> dependencies_;  // sorted
  std::optional<Timestamp> trained_at_;
  std::set<std::string, std::less<>> names_;
  std::uint64_t names_over_limit_ = 0;
  std::uint64_t feature_events_ = 0;
  std::deque<DependencyChange> changes_;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_DEPENDENCY_TRACKER_H_
