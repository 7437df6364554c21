// JSON bodies of the daemon's API endpoints.
#ifndef DRIFTD_DAEMON_STATUS_JSON_H_
#define DRIFTD_DAEMON_STATUS_JSON_H_

#include <string>

#include "daemon/pipeline.h"

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
};

// GET /api/v1/status:
// {"version", "started_at", "uptime_seconds", "ready", "config": {"path", "loaded_at"},
//  "source": {"description", "connected", "finished"},
//  "events": {"messages", "rejected": {reason: n}},
//  "models": [{"name", "version", "events": {kind: n}, "last_event"}]}
std::string StatusJson(const DaemonInfo& info, const PipelineStatus& status, Timestamp now);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_STATUS_JSON_H_
