// The daemon's alerting: the alert engine fed with every model evaluation,
// the durable outbox in <state_dir>/outbox, and one delivery thread per
// configured sink (Alertmanager, webhook, log).
//
// Construct it, Start() it, hand it each ModelEvaluation, and Shutdown()
// before the io_context goes away. A timer on the io_context re-sends
// firing alerts even when evaluations stall.
#ifndef DRIFTD_DAEMON_ALERTING_H_
#define DRIFTD_DAEMON_ALERTING_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "alerts/dispatcher.h"
#include "alerts/engine.h"
#include "alerts/outbox.h"
#include "alerts/probe.h"
#include "alerts/sinks.h"
#include "config/config.h"
#include "daemon/log.h"
#include "detectors/finding.h"

namespace driftd {

// Thread-safety: OnEvaluation, Tick, Reconfigure and ActiveAlertsJson may
// be called from any thread. Start once, before the others. Shutdown (and
// the destructor) on the io_context's thread, or once it no longer runs.
class Alerting : public alerts::DispatchObserver {
 public:
  // io, clock, log and probe must outlive the object. external_url is
  // driftd's own base URL (webhook externalURL, generatorURL); may be empty.
  Alerting(boost::asio::io_context& io, std::shared_ptr<const config::Config> config,
           const Clock& clock, Logger& log, alerts::AlertsProbe& probe, std::string external_url = "");
  ~Alerting() override;
  Alerting(const Alerting&) = delete;
  Alerting& operator=(const Alerting&) = delete;

  // Opens the outbox (reporting what it recovered), builds the sinks and
  // starts the delivery threads and the re-send timer. Entries queued
  // before a restart are delivered first. Returns an error message when
  // the outbox directory cannot be used.
  [[nodiscard]] std::optional<std::string> Start();

  // One evaluation of one model; notifications are queued durably before
  // this returns.
  void OnEvaluation(const ModelEvaluation& evaluation, Timestamp now);

  // Re-sends due firing alerts (the timer calls it every second).
  void Tick(Timestamp now);

  // New rules, labels, resend interval and outbox bound apply at once.
  // Sinks are bound at start: changes to [[sinks]] are logged and apply on restart.
  void Reconfigure(std::shared_ptr<const config::Config> config);

  // GET /api/v1/alerts: {"alerts":[{fingerprint, state, labels, annotations,
  // activeSince, startsAt (firing only), statistic, threshold}], "outbox": n}.
  std::string ActiveAlertsJson() const;

  // Stops the timer and the delivery threads (cancelling in-flight
  // requests). Undelivered notifications stay in the outbox for the next
  // start. Idempotent.
  void Shutdown();

  // Entries still queued for delivery.
  std::size_t OutboxSize() const;

 private:
  struct Worker {
    std::unique_ptr<alerts::HttpClient> client;  // null for the log sink
    std::unique_ptr<alerts::Sink> sink;
    std::unique_ptr<alerts::Dispatcher> dispatcher;
    std::thread thread;
  };

  void Apply(const alerts::EngineOutput& out);  // REQUIRES: engine_mu_ held
  void ReportDropped(const std::vector<alerts::OutboxEntry>& dropped, const std::string& reason);
  void UpdateGauges();  // REQUIRES: engine_mu_ held
  void RunWorker(Worker* worker);
  void ScheduleTick();
  void WriteLogSink(const alerts::Notification& n);

  // DispatchObserver, called on delivery threads.
  void Delivered(const std::string& sink, std::size_t n) override;
  void Failed(const std::string& sink, std::size_t n, int failures, const std::string& detail,
              Duration retry_in) override;
  void Rejected(const std::string& sink, std::size_t n, const std::string& detail) override;

  boost::asio::io_context& io_;
  const Clock& clock_;
  Logger& log_;
  alerts::AlertsProbe& probe_;
  const std::string external_url_;
  boost::asio::steady_timer tick_timer_;

  mutable std::mutex engine_mu_;
  std::shared_ptr<const config::Config> config_;  // guarded by engine_mu_
  alerts::AlertEngine engine_;                    // guarded by engine_mu_
  std::vector<std::string> sink_names_;           // fixed after Start

  std::unique_ptr<alerts::Outbox> outbox_;  // internally synchronized; set by Start
  std::vector<std::unique_ptr<Worker>> workers_;

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  std::uint64_t wake_generation_ = 0;  // guarded by wake_mu_; bumped on every enqueue
  bool stopping_ = false;              // guarded by wake_mu_
  bool started_ = false;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_ALERTING_H_
