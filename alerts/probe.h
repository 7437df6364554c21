// What alerting reports to the metrics owner (daemon/metrics.h), so that
// alerts/ never includes Prometheus headers.
#ifndef DRIFTD_ALERTS_PROBE_H_
#define DRIFTD_ALERTS_PROBE_H_

#include <cstddef>
#include <string>

namespace driftd::alerts {

// Outcomes counted by CountNotification, per notification.
inline constexpr const char* kResultDelivered = "delivered";  // the sink acknowledged it
inline constexpr const char* kResultFailed = "failed";        // an attempt failed; it is retried
inline constexpr const char* kResultRejected = "rejected";    // the sink refused it (4xx); given up
inline constexpr const char* kResultDropped = "dropped";      // evicted from the outbox unsent

// Thread-safety: all methods may be called from any thread.
class AlertsProbe {
 public:
  virtual ~AlertsProbe() = default;
  // driftd_alerts_firing{alertname,model} = n.
  virtual void SetFiring(const std::string& alertname, const std::string& model, int n) = 0;
  // driftd_alert_notifications_total{sink,result} += n.
  virtual void CountNotification(const std::string& sink, const std::string& result,
                                 std::size_t n) = 0;
  // driftd_alert_outbox_entries = n.
  virtual void SetOutboxEntries(std::size_t n) = 0;
  // driftd_alert_outbox_dropped_total{reason} += n; reason is "bound"
  // (outbox full), "corrupt" (unreadable at start) or "unknown_sink" (its
  // sink left the config).
  virtual void CountDropped(const std::string& reason, std::size_t n) = 0;
};

// A probe that records nothing, for tools and tests that need none.
class NullAlertsProbe : public AlertsProbe {
 public:
  void SetFiring(const std::string&, const std::string&, int) override {}
  void CountNotification(const std::string&, const std::string&, std::size_t) override {}
  void SetOutboxEntries(std::size_t) override {}
  void CountDropped(const std::string&, std::size_t) override {}
};

}  // namespace driftd::alerts

#endif  // DRIFTD_ALERTS_PROBE_H_
