#include "daemon/alerting.h"

#include <boost/json.hpp>
#include <random>

#include "alerts/encode.h"
#include "daemon/alerting_http_client.h"

namespace driftd {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr auto kTickPeriod = 1s;
// Longest a delivery thread sleeps without looking at its queue: bounds the
// damage of a lost wake-up to one second.
constexpr Duration kMaxIdleWait = 1s;

const char* SinkTypeName(config::SinkType type) {
  switch (type) {
    case config::SinkType::kAlertmanager: return "alertmanager";
    case config::SinkType::kWebhook: return "webhook";
    case config::SinkType::kLog: return "log";
  }
  return "log";
}

std::string Label(const alerts::LabelSet& labels, const char* name) {
  auto it = labels.find(name);
  return it == labels.end() ? "" : it->second;
}

}  // namespace

Alerting::Alerting(boost::asio::io_context& io, std::shared_ptr<const config::Config> config,
                   const Clock& clock, Logger& log, alerts::AlertsProbe& probe, std::string external_url)
    : io_(io),
      clock_(clock),
      log_(log),
      probe_(probe),
      external_url_(std::move(external_url)),
      tick_timer_(io),
      config_(config),
      engine_(config) {}

Alerting::~Alerting() { Shutdown(); }

std::optional<std::string> Alerting::Start() {
  std::shared_ptr<const config::Config> config;
  {
    std::lock_guard lock(engine_mu_);
    config = config_;
  }
  const std::string dir = config->daemon.state_dir + "/outbox";
  alerts::OutboxRecovery recovery;
  std::string error;
  outbox_ = alerts::Outbox::Open(dir, config->alerts.outbox_max_entries, &recovery, &error);
  if (!outbox_) return error;
  for (const std::string& c : recovery.corrupt) {
    log_.Warn("alert outbox entry unreadable; dropped", {{"entry", c}});
  }
  if (!recovery.corrupt.empty()) probe_.CountDropped("corrupt", recovery.corrupt.size());
  if (recovery.partial > 0) {
    log_.Info("alert outbox: removed unfinished appends",
              {{"files", std::to_string(recovery.partial)}});
  }
  ReportDropped(recovery.dropped, "bound");

  // Sink names identify outbox entries across restarts.
  std::map<std::string, int> used;
  for (const config::SinkConfig& sc : config->sinks) {
    config::SinkConfig named = sc;
    if (named.name.empty()) named.name = SinkTypeName(sc.type);
    if (used[named.name]++ > 0) named.name += "-" + std::to_string(used[named.name] - 1);
    auto worker = std::make_unique<Worker>();
    switch (sc.type) {
      case config::SinkType::kAlertmanager:
        worker->client = std::make_unique<BeastHttpClient>(TlsOptions{sc.ca_file, sc.tls_insecure_skip_verify});
        worker->sink = alerts::MakeAlertmanagerSink(named, *worker->client);
        break;
      case config::SinkType::kWebhook:
        worker->client = std::make_unique<BeastHttpClient>(TlsOptions{sc.ca_file, sc.tls_insecure_skip_verify});
        worker->sink = alerts::MakeWebhookSink(named, *worker->client, external_url_);
        break;
      case config::SinkType::kLog:
        worker->sink = alerts::MakeLogSink(named, [this](const alerts::Notification& n) { WriteLogSink(n); });
        break;
    }
    auto seed = std::make_shared<std::mt19937_64>(std::random_device{}());
    worker->dispatcher = std::make_unique<alerts::Dispatcher>(
        *outbox_, *worker->sink, alerts::BackoffPolicy{sc.initial_backoff, sc.max_backoff}, *this,
        [seed] { return std::uniform_real_distribution<double>(0.0, 1.0)(*seed); });
    sink_names_.push_back(named.name);
    workers_.push_back(std::move(worker));
  }
  ReportDropped(outbox_->RemoveSinksExcept(sink_names_), "unknown_sink");
  if (outbox_->size() > 0) {
    log_.Info("alert outbox holds undelivered notifications; delivering",
              {{"entries", std::to_string(outbox_->size())}});
  }
  probe_.SetOutboxEntries(outbox_->size());
  started_ = true;
  for (auto& w : workers_) {
    Worker* worker = w.get();
    worker->thread = std::thread([this, worker] { RunWorker(worker); });
  }
  ScheduleTick();
  return std::nullopt;
}

void Alerting::ScheduleTick() {
  tick_timer_.expires_after(kTickPeriod);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    {
      std::lock_guard lock(wake_mu_);
      if (stopping_) return;
    }
    Tick(clock_.Now());
    ScheduleTick();
  });
}

void Alerting::OnEvaluation(const ModelEvaluation& evaluation, Timestamp now) {
  std::lock_guard lock(engine_mu_);
  Apply(engine_.Evaluate(evaluation, now));
}

void Alerting::Tick(Timestamp now) {
  std::lock_guard lock(engine_mu_);
  Apply(engine_.Tick(now));
}

void Alerting::Reconfigure(std::shared_ptr<const config::Config> config) {
  std::lock_guard lock(engine_mu_);
  const bool sinks_changed = config->sinks.size() != config_->sinks.size() ||
                             [&] {
                               for (std::size_t i = 0; i < config->sinks.size(); ++i) {
                                 const auto& a = config->sinks[i];
                                 const auto& b = config_->sinks[i];
                                 if (a.type != b.type || a.url != b.url || a.name != b.name) return true;
                               }
                               return false;
                             }();
  if (sinks_changed) log_.Warn("alert sinks changed; they take effect on restart");
  config_ = config;
  Apply(engine_.Reconfigure(config, clock_.Now()));
  if (outbox_) ReportDropped(outbox_->SetMaxEntries(config->alerts.outbox_max_entries), "bound");
}

void Alerting::Apply(const alerts::EngineOutput& out) {
  for (const alerts::StateChange& c : out.changes) {
    const char* to = c.resolved ? "resolved" : alerts::AlertStateName(c.to);
    log_.Info("alert state changed", {{"alertname", Label(c.labels, "alertname")},
                                      {"model", Label(c.labels, "model")},
                                      {"feature", Label(c.labels, "feature")},
                                      {"from", alerts::AlertStateName(c.from)},
                                      {"to", to},
                                      {"fingerprint", c.fingerprint}});
  }
  if (outbox_ && !out.notifications.empty()) {
    for (alerts::Notification n : out.notifications) {
      if (!external_url_.empty()) n.generator_url = external_url_ + "/api/v1/alerts";
      for (const std::string& sink : sink_names_) {
        alerts::AppendResult r = outbox_->Append(sink, n);
        if (!r.durable) {
          log_.Error("alert outbox write failed; notification kept in memory only",
                     {{"sink", sink}, {"fingerprint", n.fingerprint}, {"error", r.error}});
        }
        ReportDropped(r.dropped, "bound");
      }
    }
    {
      std::lock_guard lock(wake_mu_);
      ++wake_generation_;
    }
    wake_cv_.notify_all();
  }
  UpdateGauges();
}

void Alerting::UpdateGauges() {
  for (const auto& [key, n] : engine_.FiringCounts()) probe_.SetFiring(key.first, key.second, n);
  if (outbox_) probe_.SetOutboxEntries(outbox_->size());
}

void Alerting::ReportDropped(const std::vector<alerts::OutboxEntry>& dropped, const std::string& reason) {
  if (dropped.empty()) return;
  probe_.CountDropped(reason, dropped.size());
  for (const alerts::OutboxEntry& e : dropped) {
    probe_.CountNotification(e.sink, alerts::kResultDropped, 1);
    log_.Warn("alert notification dropped from the outbox",
              {{"reason", reason},
               {"sink", e.sink},
               {"alert", alerts::NotificationKindName(e.notification.kind)},
               {"alertname", Label(e.notification.labels, "alertname")},
               {"model", Label(e.notification.labels, "model")},
               {"fingerprint", e.notification.fingerprint}});
  }
}

void Alerting::RunWorker(Worker* worker) {
  std::unique_lock lock(wake_mu_);
  while (!stopping_) {
    const std::uint64_t seen = wake_generation_;
    lock.unlock();
    const Timestamp now = clock_.Now();
    const bool attempted = worker->dispatcher->Step(now);
    const std::optional<Timestamp> retry_at = worker->dispatcher->retry_at();
    lock.lock();
    if (stopping_) break;
    if (attempted && !retry_at) continue;  // accepted: the next batch at once
    Duration wait = kMaxIdleWait;
    if (retry_at) wait = std::clamp<Duration>(*retry_at - now, Duration::zero(), kMaxIdleWait);
    // While backing off, new entries wait for the retry like the old ones.
    wake_cv_.wait_for(lock, wait, [&] { return stopping_ || (!retry_at && wake_generation_ != seen); });
  }
}

void Alerting::WriteLogSink(const alerts::Notification& n) {
  log_.Info("alert", {{"alert", alerts::NotificationKindName(n.kind)},
                      {"alertname", Label(n.labels, "alertname")},
                      {"model", Label(n.labels, "model")},
                      {"feature", Label(n.labels, "feature")},
                      {"severity", Label(n.labels, "severity")},
                      {"fingerprint", n.fingerprint},
                      {"starts_at", alerts::FormatRfc3339(n.starts_at)},
                      {"ends_at", alerts::FormatRfc3339(n.ends_at)},
                      {"labels", alerts::FormatLabelSet(n.labels)},
                      {"summary", Label(n.annotations, "summary")},
                      {"description", Label(n.annotations, "description")}});
}

void Alerting::Delivered(const std::string& sink, std::size_t n) {
  probe_.CountNotification(sink, alerts::kResultDelivered, n);
  probe_.SetOutboxEntries(outbox_->size());
  log_.Debug("alert notifications delivered", {{"sink", sink}, {"count", std::to_string(n)}});
}

void Alerting::Failed(const std::string& sink, std::size_t n, int failures, const std::string& detail,
                      Duration retry_in) {
  probe_.CountNotification(sink, alerts::kResultFailed, n);
  log_.Warn("alert delivery failed; will retry",
            {{"sink", sink},
             {"count", std::to_string(n)},
             {"attempt", std::to_string(failures)},
             {"error", detail},
             {"retry_in", alerts::FormatDuration(retry_in)}});
}

void Alerting::Rejected(const std::string& sink, std::size_t n, const std::string& detail) {
  probe_.CountNotification(sink, alerts::kResultRejected, n);
  probe_.SetOutboxEntries(outbox_->size());
  log_.Error("alert notifications rejected by the sink; given up",
             {{"sink", sink}, {"count", std::to_string(n)}, {"error", detail}});
}

std::string Alerting::ActiveAlertsJson() const {
  json::array alerts;
  {
    std::lock_guard lock(engine_mu_);
    for (const alerts::ActiveAlert& a : engine_.Active()) {
      json::object o;
      o["fingerprint"] = a.fingerprint;
      o["state"] = alerts::AlertStateName(a.state);
      json::object labels, annotations;
      for (const auto& [k, v] : a.labels) labels[k] = v;
      for (const auto& [k, v] : a.annotations) annotations[k] = v;
      o["labels"] = std::move(labels);
      o["annotations"] = std::move(annotations);
      o["activeSince"] = alerts::FormatRfc3339(a.active_since);
      if (a.state == alerts::AlertState::kFiring) o["startsAt"] = alerts::FormatRfc3339(a.fired_at);
      o["statistic"] = a.statistic;
      o["threshold"] = a.threshold;
      alerts.push_back(std::move(o));
    }
  }
  json::object body;
  body["alerts"] = std::move(alerts);
  body["outbox"] = outbox_ ? outbox_->size() : 0;
  return json::serialize(body) + "\n";
}

std::size_t Alerting::OutboxSize() const { return outbox_ ? outbox_->size() : 0; }

void Alerting::Shutdown() {
  {
    std::lock_guard lock(wake_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_cv_.notify_all();
  // A cancelled wait completes with an error and never touches `this`, so
  // the io_context may outlive this object.
  tick_timer_.cancel();
  for (auto& w : workers_) {
    if (w->client) w->client->Cancel();
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  if (started_) log_.Info("alerting stopped", {{"outbox", std::to_string(OutboxSize())}});
}

}  // namespace driftd
