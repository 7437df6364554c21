#include "daemon/app.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <memory>
#include <utility>
#include <vector>

#include "config/loader.h"
#include "daemon/alerting.h"
#include "daemon/checkpointer.h"
#include "daemon/evaluator.h"
#include "daemon/http_server.h"
#include "daemon/ingest.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/monitoring.h"
#include "daemon/pipeline.h"
#include "daemon/sources.h"
#include "daemon/status_json.h"
#include "daemon/version.h"

namespace driftd {
namespace {

namespace asio = boost::asio;

std::string MonotonicUsec() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now().time_since_epoch());
  return "MONOTONIC_USEC=" + std::to_string(us.count());
}

void LogConfigErrors(Logger& log, const std::vector<config::ConfigError>& errors,
                     std::string_view msg) {
  for (const auto& e : errors) log.Error(msg, {{"error", e.ToString()}});
}

// Everything `driftd run` owns, wired together. Lives on RunDaemon's stack;
// all members are used on the io_context's thread except where noted.
class Daemon {
 public:
  Daemon(const RunOptions& options, const Clock& clock, Notifier& notifier, Logger& log,
         std::shared_ptr<const config::Config> config)
      : options_(options),
        clock_(clock),
        notifier_(notifier),
        log_(log),
        config_(std::move(config)),
        metrics_(kVersion, kRevision),
        signals_(io_, SIGTERM, SIGINT, SIGHUP),
        shutdown_timer_(io_),
        watchdog_timer_(io_),
        checkpoint_timer_(io_),
        evaluation_timer_(io_) {}

  int Run() {
    info_.version = kVersion;
    info_.config_path = options_.config_path;
    info_.started_at = clock_.Now();
    info_.config_loaded_at = info_.started_at;
    metrics_.ConfigLoaded(info_.started_at);

    std::string error;
    source_ = OpenSource(*config_, metrics_, log_, &error);
    if (!source_) {
      log_.Error("cannot open source", {{"error", error}});
      return 1;
    }
    info_.source = source_->Describe();
    pipeline_ = std::make_unique<Pipeline>(config_, metrics_, clock_, log_);
    evaluator_ = std::make_unique<Evaluator>(metrics_, log_);
    monitoring_ = std::make_unique<MonitoringHub>(metrics_);
    evaluator_->AddListener([this](const ModelEvaluation& e) { monitoring_->OnDriftEvaluation(e); });
    alerting_ = std::make_unique<Alerting>(io_, config_, clock_, log_, metrics_);
    if (auto err = alerting_->Start()) {
      log_.Error("cannot start alerting", {{"error", *err}});
      return 1;
    }
    evaluator_->AddListener([this](const ModelEvaluation& e) { alerting_->OnEvaluation(e, clock_.Now()); });
    if (!RestoreState()) return 1;
    ingest_ = std::make_unique<IngestWorker>(*source_, *pipeline_, log_);

    config::HttpConfig http_config = config_->http;
    if (options_.listen) http_config.listen = *options_.listen;
    http_ = std::make_unique<HttpServer>(io_, http_config);
    AddRoutes();
    if (auto err = http_->Start()) {
      log_.Error("cannot start http server", {{"listen", http_config.listen}, {"error", *err}});
      return 1;
    }
    const std::string host = http_config.listen.substr(0, http_config.listen.rfind(':'));
    log_.Info("http listening", {{"addr", host + ":" + std::to_string(http_->port())}});

    WaitForSignal();
    ingest_->Start([this](int code, const std::string& err) {
      FinishIngest(code);
      asio::post(io_, [this, code, err] { OnIngestExit(code, err); });
    });
    log_.Info("driftd started", {{"version", kVersion},
                                 {"config", options_.config_path},
                                 {"source", info_.source},
                                 {"models", std::to_string(config_->models.size())}});
    notifier_.Notify("READY=1\nSTATUS=" + StatusLine());
    StartWatchdog();
    ScheduleCheckpoint();
    evaluator_->Start();
    ScheduleEvaluation();
    io_.run();
    ingest_->RequestStop();
    ingest_->Join();
    evaluator_->Stop();
    alerting_->Shutdown();  // undelivered notifications stay in the outbox
    return exit_code_;
  }

 private:
  std::string StatusLine() const {
    return "serving " + std::to_string(config_->models.size()) + " model(s) from " + info_.source;
  }

  bool Ready() const {
    // A finished source (a file read to its end) leaves complete state behind.
    return !stopping_ && ingest_->running() && checkpointer_->restored() &&
           (source_->Connected() || ingest_->source_finished());
  }

  void AddRoutes() {
    http_->Route("/metrics", [this](const HttpRequest&) {
      checkpointer_->ReportAge(clock_.Now());
      return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", metrics_.Serialize()};
    });
    http_->Route("/api/v1/scorecard", [this](const HttpRequest&) {
      return HttpResponse{200, "application/json", monitoring_->ScorecardJson(clock_.Now())};
    });
    http_->Route("/api/v1/alerts", [this](const HttpRequest&) {
      return HttpResponse{200, "application/json", alerting_->ActiveAlertsJson()};
    });
    http_->Route("/healthz", [](const HttpRequest&) { return HttpResponse{200, "text/plain", "ok\n"}; });
    http_->Route("/readyz", [this](const HttpRequest&) {
      return Ready() ? HttpResponse{200, "text/plain", "ready\n"}
                     : HttpResponse{503, "text/plain", "not ready\n"};
    });
    http_->Route("/api/v1/status", [this](const HttpRequest&) {
      DaemonInfo info = info_;
      info.source_connected = source_->Connected();
      info.source_finished = ingest_->source_finished();
      info.ready = Ready();
      for (const auto& card : monitoring_->Scorecards()) info.recent_changes[card.model] = card.changes;
      return HttpResponse{200, "application/json", StatusJson(info, *pipeline_->Status(), *evaluator_->Status(), clock_.Now())};
    });
  }

  void WaitForSignal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      if (signo == SIGHUP) {
        Reload();
        WaitForSignal();
      } else {
        BeginShutdown(signo == SIGTERM ? "SIGTERM" : "SIGINT");
        WaitForSignal();  // a second signal while stopping is ignored
      }
    });
  }

  void Reload() {
    notifier_.Notify("RELOADING=1\n" + MonotonicUsec() + "\nSTATUS=reloading configuration");
    log_.Info("reloading configuration", {{"config", options_.config_path}});
    config::LoadResult result = config::LoadConfigFile(options_.config_path);
    const Timestamp now = clock_.Now();
    if (!result.ok()) {
      LogConfigErrors(log_, result.errors, "configuration reload failed; keeping the running configuration");
      metrics_.ConfigReloaded(false, now);
      notifier_.Notify("READY=1\nSTATUS=reload failed; " + StatusLine());
      return;
    }
    WarnRestartOnly(*result.config);
    config_ = result.config;
    alerting_->Reconfigure(config_);
    info_.config_loaded_at = now;
    log_.SetLevel(config_->daemon.log_level);
    metrics_.ConfigReloaded(true, now);
    // READY=1 only once the ingest thread runs the new config, so that
    // `systemctl reload driftd && curl .../api/v1/status` shows it.
    ingest_->SubmitConfig(config_, [this] {
      asio::post(io_, [this] {
        std::vector<std::string> models;
        for (const auto& m : config_->models) models.push_back(m.name);
        monitoring_->Retain(models);
        log_.Info("configuration reloaded", {{"models", std::to_string(config_->models.size())}});
        notifier_.Notify("READY=1\nSTATUS=" + StatusLine());
      });
    });
  }

  // Settings bound at start-up: a reload records them but they apply on restart.
  void WarnRestartOnly(const config::Config& next) {
    if (next.http.listen != config_->http.listen) {
      log_.Warn("http.listen changed; takes effect on restart", {{"listen", next.http.listen}});
    }
    if (next.source.type != config_->source.type || next.source.path != config_->source.path ||
        next.source.brokers != config_->source.brokers || next.source.topics != config_->source.topics) {
      log_.Warn("source settings changed; they take effect on restart");
    }
  }

  void BeginShutdown(std::string_view why) {
    if (stopping_) return;
    stopping_ = true;
    notifier_.Notify("STOPPING=1\nSTATUS=stopping");
    log_.Info("stopping", {{"signal", why}});
    ingest_->RequestStop();
    watchdog_timer_.cancel();
    checkpoint_timer_.cancel();
    evaluation_timer_.cancel();
    shutdown_timer_.expires_after(config_->daemon.shutdown_timeout);
    shutdown_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      log_.Error("shutdown timed out; exiting without a complete flush");
      exit_code_ = 1;
      std::_Exit(1);  // the ingest thread is stuck; joining it would hang
    });
  }

  void OnIngestExit(int code, const std::string& error) {
    if (code != 0) {
      log_.Error("source failed", {{"error", error}});
      exit_code_ = code;
      notifier_.Notify("STOPPING=1\nSTATUS=source failed: " + error);
    } else {
      log_.Info("stopped");
    }
    stopping_ = true;
    shutdown_timer_.cancel();
    watchdog_timer_.cancel();
    checkpoint_timer_.cancel();
    evaluation_timer_.cancel();
    signals_.cancel();
    http_->Stop();
    io_.stop();
  }

  // Durable state (daemon/checkpointer.h): restore before intake starts;
  // checkpoint every checkpoint_interval and before a Kafka revoke, on the
  // ingest thread; a final one when intake ends.
  bool RestoreState() {
    checkpointer_ = std::make_unique<Checkpointer>(config_->daemon, *source_, metrics_, clock_, log_);
    if (auto err = checkpointer_->Open()) {
      log_.Error("cannot use the state directory", {{"error", *err}});
      return false;
    }
    checkpointer_->Restore(*pipeline_);
    source_->SetRevokeHandler(
        [this] { checkpointer_->Checkpoint(*pipeline_, CommitMode::kSync, "revoke"); });
    return true;
  }

  void ScheduleCheckpoint() {
    checkpoint_timer_.expires_after(config_->daemon.checkpoint_interval);
    checkpoint_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) return;
      ingest_->Post([this](Pipeline& pipeline) {
        checkpointer_->Checkpoint(pipeline, CommitMode::kAsync, "interval");
      });
      ScheduleCheckpoint();
    });
  }

  // On the ingest thread, after its last batch: nothing touches the state
  // any more. A failed source commits nothing.
  void FinishIngest(int exit_code) {
    checkpointer_->Checkpoint(*pipeline_, exit_code == 0 ? CommitMode::kSync : CommitMode::kNone,
                              "shutdown");
    source_->Close();
  }

  // Drift evaluation (daemon/evaluator.h): the ingest thread snapshots the
  // windows between batches, the evaluator thread judges the snapshot.
  void ScheduleEvaluation() {
    evaluation_timer_.expires_after(config_->daemon.evaluation_interval);
    evaluation_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) return;
      ingest_->Post([this](Pipeline& pipeline) {
        evaluator_->Submit(StartEvaluationRound(pipeline));
        const Timestamp now = clock_.Now();
        for (const MonitorRound& round : pipeline.EvaluateMonitors()) {
          monitoring_->Publish(round);
          alerting_->OnEvaluation(round.evaluation, now);
        }
      });
      ScheduleEvaluation();
    });
  }

  // The first slice of merged windows now; the evaluator thread fetches the
  // rest from the ingest thread as it goes (daemon/evaluator.h).
  EvaluationRound StartEvaluationRound(const Pipeline& pipeline) {
    EvaluationRound round;
    round.config = pipeline.config();
    round.taken_at = clock_.Now();
    round.first = pipeline.SnapshotModels(round.config, 0, kEvaluationSliceBytes, round.taken_at);
    if (round.first.size() == round.config->models.size()) return round;
    round.more = [this, config = round.config](std::size_t index, const std::atomic<bool>& stop) {
      auto slice = std::make_shared<std::promise<std::vector<ModelWindowSnapshot>>>();
      auto taken = slice->get_future();
      ingest_->Post([slice, config, index, this](Pipeline& pipeline) {
        slice->set_value(pipeline.SnapshotModels(config, index, kEvaluationSliceBytes, clock_.Now()));
      });
      // The ingest thread takes the task between batches (within its poll
      // timeout); it never runs it once it has stopped.
      while (taken.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
        if (stop.load() || !ingest_->running()) return std::vector<ModelWindowSnapshot>{};
      }
      return taken.get();
    };
    return round;
  }

  void StartWatchdog() {
    const auto interval = WatchdogPingInterval();
    if (!interval) return;
    watchdog_interval_ = *interval;
    PingWatchdog();
  }

  void PingWatchdog() {
    // Only ping while the ingest thread is alive, so a wedged daemon gets restarted.
    if (stopping_) return;
    if (ingest_->running()) notifier_.Notify("WATCHDOG=1");
    watchdog_timer_.expires_after(watchdog_interval_);
    watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) PingWatchdog();
    });
  }

  const RunOptions& options_;
  const Clock& clock_;
  Notifier& notifier_;
  Logger& log_;
  std::shared_ptr<const config::Config> config_;
  Metrics metrics_;
  DaemonInfo info_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer shutdown_timer_;
  asio::steady_timer watchdog_timer_;
  asio::steady_timer checkpoint_timer_;
  asio::steady_timer evaluation_timer_;
  Duration watchdog_interval_{};
  std::unique_ptr<OpenedSource> source_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<Checkpointer> checkpointer_;  // used by ingest_'s thread: declared before it
  std::unique_ptr<MonitoringHub> monitoring_;   // fed by evaluator_'s and ingest_'s threads
  std::unique_ptr<Alerting> alerting_;  // evaluator_ calls it: declared before it
  std::unique_ptr<Evaluator> evaluator_;        // fed by ingest_'s thread: declared before it
  std::unique_ptr<IngestWorker> ingest_;
  std::unique_ptr<HttpServer> http_;
  bool stopping_ = false;
  int exit_code_ = 0;
};

}  // namespace

int RunDaemon(const RunOptions& options, const Clock& clock, Notifier& notifier,
              std::FILE* log_out) {
  Logger log(clock, log_out, config::LogLevel::kInfo);
  config::LoadResult loaded = config::LoadConfigFile(options.config_path);
  if (!loaded.ok()) {
    LogConfigErrors(log, loaded.errors, "invalid configuration");
    return 2;
  }
  log.SetLevel(loaded.config->daemon.log_level);
  Daemon daemon(options, clock, notifier, log, loaded.config);
  return daemon.Run();
}

}  // namespace driftd
