#include "daemon/notifier.h"

#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace driftd {

void SystemdNotifier::Notify(std::string_view state) {
  // unset_environment = 0: the variables stay for WatchdogPingInterval().
  sd_notify(0, std::string(state).c_str());
}

std::optional<Duration> WatchdogPingInterval() {
  // sd_watchdog_enabled() insists on WATCHDOG_PID; accept its absence too, so
  // supervisors that cannot know the pid before exec (and tests) work.
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (usec == nullptr) return std::nullopt;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(usec, &end, 10);
  if (end == usec || *end != '\0' || value == 0) return std::nullopt;
  if (const char* pid = std::getenv("WATCHDOG_PID"); pid != nullptr) {
    if (std::strtoll(pid, nullptr, 10) != static_cast<long long>(getpid())) return std::nullopt;
  }
  return std::chrono::microseconds(value / 2);
}

}  // namespace driftd
