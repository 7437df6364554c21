// The alert state machine: findings in, notifications out. Pure: time is
// passed in, nothing is read or written, so its tests never sleep.
//
// Lifecycle of one alert (identified by its label set, see AlertLabels):
//
//   inactive --failing--> pending --failing for `for`--> firing
//       ^                   |                              |
//       +----not failing----+        clear for clear_after |
//       +------------------ resolved <---------------------+
//
// - A finding below min_samples (or judged=false) concludes nothing: the
//   alert keeps its state.
// - "clear" is stricter than "not failing" (hysteresis): when the failing
//   statistic was above its threshold, a statistic that is not failing but
//   still within hysteresis x |threshold| below it keeps the alert firing
//   (mirrored when lower is worse), and the clear condition must then hold
//   for clear_after. A score hovering at its threshold therefore fires once.
// - A firing alert whose finding is absent from its model's evaluation
//   counts as clear (Prometheus: the series went away); a pending one is
//   dropped. An evaluation speaks only for the kinds of check it carries
//   findings of: drift and monitoring evaluations arrive separately.
// - Firing alerts are re-sent every resend_interval with
//   endsAt = now + 4 x max(evaluation_interval, resend_interval);
//   resolving sends endsAt = now.
#ifndef DRIFTD_ALERTS_ENGINE_H_
#define DRIFTD_ALERTS_ENGINE_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "alerts/alert.h"
#include "alerts/rules.h"
#include "config/config.h"
#include "detectors/finding.h"

namespace driftd::alerts {

enum class AlertState { kInactive, kPending, kFiring };
const char* AlertStateName(AlertState state);

// One alert the engine tracks (pending or firing).
struct ActiveAlert {
  std::string fingerprint;
  LabelSet labels;
  LabelSet annotations;        // from the newest finding
  AlertState state = AlertState::kPending;
  Timestamp active_since{};    // the condition first held (start of pending)
  Timestamp fired_at{};        // became firing (startsAt); set when firing
  Timestamp last_sent{};       // last notification handed out
  Timestamp clear_since{};     // valid when clearing
  bool clearing = false;       // the clear condition holds since clear_since
  bool higher_is_worse = true; // side of the threshold the failing statistic was on
  double statistic = 0;        // newest finding's numbers
  double threshold = 0;
  std::string model;
  Check check = Check::kFeatureDrift;
};

// A state change, for logs and the timeline: from -> to at `at`. A resolve
// is firing -> inactive with resolved = true.
struct StateChange {
  std::string fingerprint;
  LabelSet labels;
  AlertState from = AlertState::kInactive;
  AlertState to = AlertState::kInactive;
  bool resolved = false;
  Timestamp at{};
};

struct EngineOutput {
  std::vector<Notification> notifications;  // in the order they must be delivered
  std::vector<StateChange> changes;
};

// Thread-safety: none; the owner serializes calls.
class AlertEngine {
 public:
  // REQUIRES: config != nullptr.
  explicit AlertEngine(std::shared_ptr<const config::Config> config);

  // Applies one evaluation of one model: transitions and due re-sends of
  // that model's alerts.
  EngineOutput Evaluate(const ModelEvaluation& evaluation, Timestamp now);

  // Re-sends every firing alert last sent resend_interval or more ago.
  EngineOutput Tick(Timestamp now);

  // Switches rules and labels. Alerts of models no longer configured, or of
  // rules now disabled, are resolved now.
  EngineOutput Reconfigure(std::shared_ptr<const config::Config> config, Timestamp now);

  // Pending and firing alerts, ordered by fingerprint.
  std::vector<ActiveAlert> Active() const;

  // Firing alerts per (alertname, model), including pairs that fired before
  // and are now at 0, so a gauge can be set back to 0.
  std::map<std::pair<std::string, std::string>, int> FiringCounts() const;

  // endsAt of a firing notification sent at `now`.
  Timestamp FiringEndsAt(Timestamp now) const;

 private:
  Notification MakeNotification(const ActiveAlert& alert, NotificationKind kind, Timestamp now) const;
  void Fire(ActiveAlert& alert, Timestamp now, EngineOutput* out);
  void Resolve(const ActiveAlert& alert, Timestamp now, EngineOutput* out);
  void ResendDue(const std::string* model, Timestamp now, EngineOutput* out);

  std::shared_ptr<const config::Config> config_;
  std::map<std::string, ActiveAlert> alerts_;  // by fingerprint
  std::map<std::pair<std::string, std::string>, int> seen_pairs_;  // (alertname, model) ever firing
};

}  // namespace driftd::alerts

#endif  // DRIFTD_ALERTS_ENGINE_H_
