// Delivery of one sink's queued notifications: takes the oldest batch from
// the outbox, hands it to the sink, removes it when acknowledged, and on
// failure waits an exponentially growing, jittered delay before the next
// attempt. Driven by the caller with `now`, so tests need no clock or sleep;
// the daemon runs it on a thread per sink (daemon/alerting.h).
#ifndef DRIFTD_ALERTS_DISPATCHER_H_
#define DRIFTD_ALERTS_DISPATCHER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "alerts/outbox.h"
#include "alerts/sinks.h"
#include "detectors/time.h"

namespace driftd::alerts {

struct BackoffPolicy {
  Duration initial{std::chrono::seconds(1)};
  Duration max{std::chrono::seconds(60)};
};

// The delay before retry number `failures` (1 after the first failure):
// "full jitter", uniform in [0, min(max, initial * 2^(failures-1))], with
// `unit` in [0, 1) the random draw, and at least 10 ms so a sink that fails
// fast is never hammered.
Duration BackoffDelay(const BackoffPolicy& policy, int failures, double unit);

// Told what happened to each attempt (for logs and metrics).
class DispatchObserver {
 public:
  virtual ~DispatchObserver() = default;
  virtual void Delivered(const std::string& sink, std::size_t n) = 0;
  virtual void Failed(const std::string& sink, std::size_t n, int failures,
                      const std::string& detail, Duration retry_in) = 0;
  virtual void Rejected(const std::string& sink, std::size_t n, const std::string& detail) = 0;
};

// Thread-safety: one thread at a time calls Step; the outbox may be
// appended to concurrently.
class Dispatcher {
 public:
  // outbox, sink and observer must outlive the dispatcher. `random` returns
  // uniform draws in [0, 1).
  Dispatcher(Outbox& outbox, Sink& sink, BackoffPolicy policy, DispatchObserver& observer,
             std::function<double()> random);

  // If an attempt is due at `now` and entries wait, makes one attempt.
  // Returns true when an attempt was made.
  bool Step(Timestamp now);

  // When the next attempt may be made: nullopt when no backoff is running
  // (attempt as soon as entries wait).
  std::optional<Timestamp> retry_at() const { return retry_at_; }
  int failures() const { return failures_; }

 private:
  Outbox& outbox_;
  Sink& sink_;
  const BackoffPolicy policy_;
  DispatchObserver& observer_;
  std::function<double()> random_;
  int failures_ = 0;
  std::optional<Timestamp> retry_at_;
};

}  // namespace driftd::alerts

#endif  // DRIFTD_ALERTS_DISPATCHER_H_
