// Time types shared by every library, and the clock interface that side-effecting
// code receives. Nothing in detectors/ reads a clock: callers pass time in.
#ifndef DRIFTD_DETECTORS_TIME_H_
#define DRIFTD_DETECTORS_TIME_H_

#include <chrono>
#include <cstdint>

namespace driftd {

using Duration = std::chrono::nanoseconds;
// Wall-clock time (UTC, since the Unix epoch) at nanosecond resolution.
using Timestamp = std::chrono::sys_time<std::chrono::nanoseconds>;

inline double ToSeconds(Timestamp t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}
inline double ToSeconds(Duration d) { return std::chrono::duration<double>(d).count(); }

// Source of "now" for code with side effects (daemon timers, sources, alert
// state). Production uses the system clock; tests pass a fake they advance.
// Thread-safety: implementations must be safe to call from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

}  // namespace driftd

#endif  // DRIFTD_DETECTORS_TIME_H_
