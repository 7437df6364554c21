// Service-manager notifications (sd_notify protocol) and the watchdog period.
#ifndef DRIFTD_DAEMON_NOTIFIER_H_
#define DRIFTD_DAEMON_NOTIFIER_H_

#include <optional>
#include <string>
#include <string_view>

#include "detectors/time.h"

namespace driftd {

// Thread-safety: implementations may be called from any thread.
class Notifier {
 public:
  virtual ~Notifier() = default;
  // Sends newline-separated assignments such as "READY=1\nSTATUS=serving".
  virtual void Notify(std::string_view state) = 0;
};

// Sends to $NOTIFY_SOCKET through libsystemd; does nothing when it is unset
// (not started by systemd).
class SystemdNotifier : public Notifier {
 public:
  void Notify(std::string_view state) override;
};

// Half the watchdog timeout from $WATCHDOG_USEC, or nullopt when no watchdog
// is requested or $WATCHDOG_PID names another process.
std::optional<Duration> WatchdogPingInterval();

}  // namespace driftd

#endif  // DRIFTD_DAEMON_NOTIFIER_H_
