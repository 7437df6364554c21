// `driftd run`: the daemon's lifecycle. Loads the config, starts the source,
// the ingest thread and the HTTP endpoint on one io_context, and handles
// signals: SIGTERM/SIGINT stop intake, flush and exit within
// daemon.shutdown_timeout; SIGHUP re-reads and validates the config file and
// swaps it in, or keeps the running one and reports the errors.
#ifndef DRIFTD_DAEMON_APP_H_
#define DRIFTD_DAEMON_APP_H_

#include <cstdio>
#include <optional>
#include <string>

#include "daemon/notifier.h"
#include "detectors/time.h"

namespace driftd {

struct RunOptions {
  std::string config_path;
  std::optional<std::string> listen;  // overrides http.listen
};

// Runs until stopped. Returns the process exit code: 0 after a clean stop,
// 1 on a runtime failure, 2 when the config is invalid at start.
// clock and notifier must outlive the call; logs go to log_out.
int RunDaemon(const RunOptions& options, const Clock& clock, Notifier& notifier,
              std::FILE* log_out);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_APP_H_
