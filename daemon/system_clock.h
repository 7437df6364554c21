// The production clock.
#ifndef DRIFTD_DAEMON_SYSTEM_CLOCK_H_
#define DRIFTD_DAEMON_SYSTEM_CLOCK_H_

#include "detectors/time.h"

namespace driftd {

class SystemClock : public Clock {
 public:
  Timestamp Now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_SYSTEM_CLOCK_H_
