// JSON bodies of the daemon's API endpoints.
#ifndef DRIFTD_DAEMON_STATUS_JSON_H_
#define DRIFTD_DAEMON_STATUS_JSON_H_

#include <map>
#include <string>
#include <vector>

#include "daemon/evaluator.h"
#include "daemon/pipeline.h"
#include "detectors/monitors/dependency_tracker.h"

namespace driftd {

struct DaemonInfo {
  std::string version;
  std::string config_path;
  Timestamp started_at{};
  Timestamp config_loaded_at{};
  std::string source;  // Source::Describe()
  bool source_connected = false;
  bool source_finished = false;
  bool ready = false;
  // M1: the newest dependency changes per model (version, dependencies,
  // feature set), newest last.
  std::map<std::string, std::vector<detectors::DependencyChange>> recent_changes;
};

// GET /api/v1/status:
// {"version", "started_at", "uptime_seconds", "ready", "config": {"path", "loaded_at"},
//  "source": {"description", "connected", "finished"},
//  "events": {"messages", "rejected": {reason: n}},
//  "models": [{"name", "version", "events": {kind: n}, "last_event",
//              "recent_changes": [{"at", "what", "from", "to"}],
//              "windows": {"error", "current_events", "late_events",
//                          "reference": {"type", "events", "target", "ready", "error"},
//                          "columns": {name: {"missing", "non_finite", "wrong_type"}}},
//              "drift": null | {"evaluated_at", "judged", "reason",
//                               "dataset_drift_share", "drift_share_threshold", "dataset_drift",
//                               "judged_features", "current_samples", "reference_samples",
//                               "duration_seconds",
//                               "features": [{"feature", "prediction", "test", "statistic",
//                                             "p_value", "adjusted_p_value", "effect_size",
//                                             "threshold", "drifted", "judged", "mode",
//                                             "samples", "reference_samples", "note"}]}}],
//  "evaluation": {"last", "duration_seconds", "evaluations", "skipped"}}
// "drift" is null until the model's first evaluation; optional numbers are null
// when absent ("reason" explains a model not judged at all).
std::string StatusJson(const DaemonInfo& info, const PipelineStatus& status, const DriftStatus& drift,
                       Timestamp now);
// The same without drift results (every "drift" null, no evaluation yet).
std::string StatusJson(const DaemonInfo& info, const PipelineStatus& status, Timestamp now);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_STATUS_JSON_H_
