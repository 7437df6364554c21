// A test driver for the alerting stack: the daemon's Alerting object (rules,
// state machine, durable outbox, delivery threads, real HTTP sinks) fed with
// synthetic FeatureDrift findings read from stdin, one command per line:
//
//   eval (<feature> <statistic>)...  one evaluation of model "fraud" with a
//                                KS finding per feature, threshold 0.2
//                                (failing iff statistic >= 0.2); features
//                                left out count as absent (their alerts clear)
//   drain <seconds>              wait until the outbox is empty
//   outbox                       print the number of queued entries
//   quit                         shut down and exit 0
//
// Each command answers one line on stdout ("ok ...", or "timeout").
// Options: --state-dir D [--alertmanager URL] [--webhook URL]
// [--bearer-token-file F] [--ca-file F] [--resend SECONDS] [--eval SECONDS]
// [--max-backoff SECONDS] [--for SECONDS] [--max-entries N]
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "alerts/probe.h"
#include "daemon/alerting.h"
#include "daemon/log.h"
#include "daemon/system_clock.h"

namespace {

using driftd::Duration;

Duration Seconds(const std::string& s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(std::stod(s)));
}

int Run(int argc, char** argv) {
  using namespace std::chrono_literals;
  auto config = std::make_shared<driftd::config::Config>();
  config->alerts.resend_interval = 1min;
  config->alerts.labels = {{"env", "test"}};
  config->alerts.runbook_url = "https://runbooks.example/{alertname}";
  config->alerts.dashboard_url = "https://grafana.example/d/drift?var-model={model}&var-feature={feature}";
  driftd::config::ModelConfig model;
  model.name = "fraud";
  model.min_samples = 100;
  driftd::config::SinkConfig am, hook, log_sink;
  am.type = driftd::config::SinkType::kAlertmanager;
  am.name = "alertmanager";
  hook.type = driftd::config::SinkType::kWebhook;
  hook.name = "webhook";
  log_sink.type = driftd::config::SinkType::kLog;
  log_sink.name = "log";
  Duration max_backoff = 1s;
  std::string bearer, ca_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--state-dir") config->daemon.state_dir = value;
    else if (flag == "--alertmanager") am.url = value;
    else if (flag == "--webhook") hook.url = value;
    else if (flag == "--bearer-token-file") bearer = value;
    else if (flag == "--ca-file") ca_file = value;
    else if (flag == "--resend") config->alerts.resend_interval = Seconds(value);
    else if (flag == "--eval") config->daemon.evaluation_interval = Seconds(value);
    else if (flag == "--max-backoff") max_backoff = Seconds(value);
    else if (flag == "--for") config->alerts.rules["FeatureDrift"].for_duration = Seconds(value);
    else if (flag == "--max-entries") config->alerts.outbox_max_entries = std::stoull(value);
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  for (driftd::config::SinkConfig* s : {&am, &hook}) {
    s->initial_backoff = 100ms;
    s->max_backoff = max_backoff;
    s->timeout = 2s;
    s->ca_file = ca_file;
    if (s == &hook) s->bearer_token_file = bearer;
    if (!s->url.empty()) config->sinks.push_back(*s);
  }
  config->sinks.push_back(log_sink);
  config->models.push_back(model);

  driftd::SystemClock clock;
  driftd::Logger log(clock, stderr, driftd::config::LogLevel::kDebug);
  driftd::alerts::NullAlertsProbe probe;
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  driftd::Alerting alerting(io, config, clock, log, probe, "http://127.0.0.1:7461");
  if (auto err = alerting.Start()) {
    std::cerr << "cannot start: " << *err << "\n";
    return 1;
  }
  std::thread io_thread([&io] { io.run(); });

  std::string line;
  int code = 0;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    if (cmd == "eval") {
      driftd::ModelEvaluation e{"fraud", clock.Now(), {}};
      driftd::Finding f;
      while (in >> f.subject >> f.statistic) {
        f.model = "fraud";
        f.check = driftd::Check::kFeatureDrift;
        f.test = "ks";
        f.threshold = 0.2;
        f.failing = f.statistic >= f.threshold;
        f.samples = 500;
        f.reference_samples = 5000;
        f.mode = "exact";
        f.window = 10min;
        e.findings.push_back(f);
      }
      alerting.OnEvaluation(e, clock.Now());
      std::cout << "ok outbox=" << alerting.OutboxSize() << std::endl;
    } else if (cmd == "drain") {
      double seconds = 10;
      in >> seconds;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
      while (alerting.OutboxSize() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
      }
      std::cout << (alerting.OutboxSize() == 0 ? "ok drained" : "timeout") << std::endl;
    } else if (cmd == "outbox") {
      std::cout << "ok " << alerting.OutboxSize() << std::endl;
    } else if (cmd == "active") {
      std::cout << "ok " << alerting.ActiveAlertsJson() << std::flush;
    } else if (cmd == "quit") {
      break;
    } else if (!cmd.empty()) {
      std::cout << "error unknown command" << std::endl;
      code = 2;
    }
  }
  work.reset();
  io.stop();
  io_thread.join();
  alerting.Shutdown();
  return code;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
