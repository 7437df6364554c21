// A clock tests set and advance by hand; never sleeps.
#ifndef DRIFTD_TESTS_SUPPORT_FAKE_CLOCK_H_
#define DRIFTD_TESTS_SUPPORT_FAKE_CLOCK_H_

#include <atomic>

#include "detectors/time.h"

namespace driftd::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(Timestamp start = Timestamp(std::chrono::seconds(1'800'000'000)))
      : now_(start.time_since_epoch().count()) {}
  Timestamp Now() const override { return Timestamp(Duration(now_.load())); }
  void Set(Timestamp t) { now_.store(t.time_since_epoch().count()); }
  void Advance(Duration d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<Duration::rep> now_;
};

}  // namespace driftd::testing

#endif  // DRIFTD_TESTS_SUPPORT_FAKE_CLOCK_H_
