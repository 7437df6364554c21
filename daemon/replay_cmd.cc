#include "daemon/replay_cmd.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include <boost/json.hpp>

#include "config/loader.h"
#include "daemon/command_flags.h"
#include "daemon/drift_judge.h"
#include "daemon/log.h"
#include "daemon/monitoring.h"
#include "daemon/pipeline.h"

namespace driftd {
namespace {

namespace json = boost::json;

constexpr const char* kReplayUsage =
    "usage: driftd replay --config FILE --input events.jsonl|- [--format text|json]\n";

// The replay's clock: the newest event time the pipeline has seen.
class EventClock : public Clock {
 public:
  Timestamp Now() const override { return now_; }
  void Observe(Timestamp ts) {
    if (ts > now_) now_ = ts;
  }
  bool started() const { return now_ != Timestamp{}; }

 private:
  Timestamp now_{};
};

class ReplayModelProbe : public ModelProbe {
 public:
  explicit ReplayModelProbe(EventClock& clock) : clock_(clock) {}
  void CountEvent(EventKind, Timestamp ts) override {
    ++events_;
    clock_.Observe(ts);
  }
  std::uint64_t events() const { return events_; }

 private:
  EventClock& clock_;
  std::uint64_t events_ = 0;
};

class ReplayProbe : public PipelineProbe {
 public:
  explicit ReplayProbe(EventClock& clock) : clock_(clock) {}
  ModelProbe& ForModel(const std::string& model) override {
    auto it = models_.find(model);
    if (it == models_.end()) it = models_.emplace(model, std::make_unique<ReplayModelProbe>(clock_)).first;
    return *it->second;
  }
  void CountRejected(collectors::RejectReason reason) override { ++rejected_[collectors::RejectReasonName(reason)]; }
  const std::map<std::string, std::uint64_t>& rejected() const { return rejected_; }

 private:
  EventClock& clock_;
  std::map<std::string, std::unique_ptr<ReplayModelProbe>> models_;
  std::map<std::string, std::uint64_t> rejected_;
};

// JSON has no NaN or infinity: those are null.
json::value Number(double x) { return std::isfinite(x) ? json::value(x) : json::value(nullptr); }

// Follows findings between evaluations and prints the transitions.
class TransitionPrinter {
 public:
  TransitionPrinter(std::ostream& out, bool as_json) : out_(out), json_(as_json) {}

  void Observe(const ModelEvaluation& evaluation) {
    for (const Finding& f : evaluation.findings) {
      if (!f.judged) continue;  // nothing concluded: keeps its previous state
      const Key key{f.model, static_cast<int>(f.check), f.subject};
      const bool was = failing_.count(key) > 0;
      if (f.failing == was) continue;
      if (f.failing) {
        failing_.insert(key);
      } else {
        failing_.erase(key);
      }
      Print(f, f.failing ? "firing" : "resolved");
    }
  }
  std::size_t failing() const { return failing_.size(); }

 private:
  using Key = std::tuple<std::string, int, std::string>;

  void Print(const Finding& f, const char* state) {
    if (json_) {
      json::object o{{"evaluated_at", FormatTimestamp(f.evaluated_at)},
                     {"model", f.model},
                     {"alert", CheckAlertName(f.check)},
                     {"subject", f.subject},
                     {"state", state},
                     {"test", f.test},
                     {"statistic", Number(f.statistic)},
                     {"threshold", Number(f.threshold)},
                     {"details", f.details}};
      out_ << json::serialize(o) << "\n";
      return;
    }
    out_ << FormatTimestamp(f.evaluated_at) << " " << f.model << " " << CheckAlertName(f.check);
    if (!f.subject.empty()) out_ << " " << f.subject;
    out_ << " " << state << ": " << f.details << "\n";
  }

  std::ostream& out_;
  bool json_;
  std::set<Key> failing_;
};

}  // namespace

int ReplayCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags{{"--format", "text"}};
  switch (ParseFlags(args, {"--config", "--input", "--format"}, "replay", kReplayUsage, out, err, &flags)) {
    case FlagsOutcome::kHelp: return 0;
    case FlagsOutcome::kError: return 2;
    case FlagsOutcome::kOk: break;
  }
  const std::string config_path = flags["--config"], input = flags["--input"], format = flags["--format"];
  if (config_path.empty() || input.empty()) {
    err << "driftd replay: --config and --input are required\n" << kReplayUsage;
    return 2;
  }
  if (format != "text" && format != "json") {
    err << "driftd replay: --format must be text or json, got " << format << "\n";
    return 2;
  }
  config::LoadResult loaded = config::LoadConfigFile(config_path);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) err << e.ToString() << "\n";
    return 2;
  }
  std::FILE* in = input == "-" ? stdin : std::fopen(input.c_str(), "rb");
  if (in == nullptr) {
    err << "driftd replay: " << input << ": cannot open\n";
    return 1;
  }

  const auto started = std::chrono::steady_clock::now();
  std::shared_ptr<const config::Config> config = std::move(loaded.config);
  EventClock clock;
  ReplayProbe probe(clock);
  Logger log(clock, stderr, config->daemon.log_level);
  Pipeline pipeline(config, probe, clock, log);
  TransitionPrinter printer(out, format == "json");
  const Duration interval = config->daemon.evaluation_interval;
  std::optional<Timestamp> next_evaluation;
  std::uint64_t evaluations = 0;

  auto evaluate = [&] {
    ++evaluations;
    auto snapshot = pipeline.SnapshotWindows();
    for (std::size_t i = 0; i < snapshot->models.size(); ++i) {
      printer.Observe(JudgeModel(snapshot->config->models[i], snapshot->models[i]).evaluation);
    }
    for (const MonitorRound& round : pipeline.EvaluateMonitors()) printer.Observe(round.evaluation);
  };

  std::uint64_t lines = 0;
  char* line = nullptr;
  std::size_t capacity = 0;
  ssize_t length = 0;
  std::int64_t offset = 0;
  while ((length = ::getline(&line, &capacity, in)) >= 0) {
    std::size_t n = static_cast<std::size_t>(length);
    if (n > 0 && line[n - 1] == '\n') --n;
    if (n > 0 && line[n - 1] == '\r') --n;
    if (n > 0) {
      collectors::SourceMessage message;
      message.payload = std::string_view(line, n);
      message.size = n;
      message.offset = offset;
      pipeline.Handle(message);
      ++lines;
    }
    offset += length;
    if (!clock.started()) continue;
    if (!next_evaluation) next_evaluation = clock.Now() + interval;
    // Evaluations at the daemon's cadence, on event time. A jump over
    // several intervals evaluates once: nothing changed in between.
    if (clock.Now() >= *next_evaluation) {
      evaluate();
      *next_evaluation += interval * ((clock.Now() - *next_evaluation) / interval + 1);
    }
  }
  const bool read_error = std::ferror(in) != 0;
  std::free(line);
  if (in != stdin) std::fclose(in);
  if (read_error) {
    err << "driftd replay: " << input << ": read error\n";
    return 1;
  }
  evaluate();  // the state at the end of the file

  std::uint64_t rejected = 0;
  for (const auto& [reason, n] : probe.rejected()) rejected += n;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (format == "json") {
    json::object reasons;
    for (const auto& [reason, n] : probe.rejected()) reasons[reason] = n;
    out << json::serialize(json::object{{"summary", json::object{{"events", lines},
                                                                 {"rejected", reasons},
                                                                 {"evaluations", evaluations},
                                                                 {"failing", printer.failing()},
                                                                 {"seconds", seconds}}}})
        << "\n";
  } else {
    char took[32];
    std::snprintf(took, sizeof took, "%.3f", seconds);
    out << "replay: " << lines << " events (" << rejected << " rejected";
    for (const auto& [reason, n] : probe.rejected()) out << " " << reason << "=" << n;
    out << ") in " << took << " s, " << evaluations << " evaluations, " << printer.failing()
        << " findings failing at the end\n";
  }
  return 0;
}

}  // namespace driftd
