// Whole-path replay: reads a JSONL file with the daemon's FileSource and
// hands every line to the real ingest path as fast as possible, on one
// thread, then prints one JSON line with the throughput and memory.
//
//   replay_bench --input events.jsonl [--numeric 16] [--categorical 4]
//                [--mode pipeline|windows|decode|read] [--models 1]
//
// Modes (each includes the ones below it):
//   pipeline  Pipeline::Handle: decode, route, model counters, the drift
//             windows (current + first-N reference) and the ML Test Score
//             monitors: what `driftd run` does per event (probes are no-ops)
//   windows   Decoder::Decode then ModelWindows::Add (decode + window update)
//   decode    Decoder::Decode only
//   read      FileSource alone (lines delivered, nothing done with them)
// The input comes from `driftd generate --numeric N --categorical M
// --model bench` (model "bench"; --models K > 1 expects models m0..m{K-1}).
// Exit status 0, or 1 when a line is rejected (the input does not match the
// config), or 2 on a usage error.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "collectors/decoder.h"
#include "collectors/file_source.h"
#include "daemon/log.h"
#include "daemon/model_windows.h"
#include "daemon/pipeline.h"
#include "daemon/system_clock.h"

namespace driftd::bench {
namespace {

enum class Mode { kPipeline, kWindows, kDecode, kRead };

// Decode (and window) handler for the windows/decode/read modes.
class DirectHandler : public collectors::MessageHandler {
 public:
  DirectHandler(const config::Config& config, Mode mode) : decoder_(config), mode_(mode) {
    for (const auto& model : config.models) windows_.emplace_back(model, BaselineReference{});
  }
  void Handle(const collectors::SourceMessage& message) override {
    ++messages_;
    if (mode_ == Mode::kRead) {
      bytes_ += message.size;
      return;
    }
    if (auto error = decoder_.Decode(message, Timestamp{}, &event_)) {
      ++rejected_;
      return;
    }
    if (mode_ == Mode::kWindows) {
      windows_[windows_.size() == 1 ? 0 : ModelIndex(event_.model)].Add(event_);
    }
  }
  void SetNames(std::vector<std::string> names) { names_ = std::move(names); }
  std::uint64_t messages() const { return messages_; }
  std::uint64_t rejected() const { return rejected_; }

 private:
  std::size_t ModelIndex(const std::string& model) const {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == model) return i;
    }
    return 0;
  }
  collectors::Decoder decoder_;
  Mode mode_;
  std::vector<ModelWindows> windows_;
  std::vector<std::string> names_;
  Event event_;
  std::uint64_t messages_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t bytes_ = 0;
};

// CPU time of this thread: less disturbed than wall time on a shared machine.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int Usage(const char* message) {
  std::fprintf(stderr,
               "replay_bench: %s\nusage: replay_bench --input FILE [--numeric N] "
               "[--categorical M] [--models K] [--mode pipeline|windows|decode|read]\n",
               message);
  return 2;
}

int Run(int argc, char** argv) {
  BenchModelShape shape;
  std::string input;
  std::string mode_name = "pipeline";
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return Usage(("missing value for " + flag).c_str());
    const char* value = argv[++i];
    if (flag == "--input") input = value;
    else if (flag == "--numeric") shape.numeric = std::atoi(value);
    else if (flag == "--categorical") shape.categorical = std::atoi(value);
    else if (flag == "--models") shape.models = std::atoi(value);
    else if (flag == "--mode") mode_name = value;
    else return Usage(("unknown flag " + flag).c_str());
  }
  if (input.empty()) return Usage("--input is required");
  Mode mode;
  if (mode_name == "pipeline") mode = Mode::kPipeline;
  else if (mode_name == "windows") mode = Mode::kWindows;
  else if (mode_name == "decode") mode = Mode::kDecode;
  else if (mode_name == "read") mode = Mode::kRead;
  else return Usage("unknown mode");

  auto config = BenchConfig(shape, input);
  std::string error;
  auto source = collectors::FileSource::Open(config->source, config->daemon.max_event_bytes, &error);
  if (!source) {
    std::fprintf(stderr, "replay_bench: %s\n", error.c_str());
    return 1;
  }
  SystemClock clock;
  Logger log(clock, stderr, config::LogLevel::kError);
  NullPipelineProbe probe;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<DirectHandler> direct;
  collectors::MessageHandler* handler;
  if (mode == Mode::kPipeline) {
    pipeline = std::make_unique<Pipeline>(config, probe, clock, log);
    handler = pipeline.get();
  } else {
    direct = std::make_unique<DirectHandler>(*config, mode);
    std::vector<std::string> names;
    for (const auto& m : config->models) names.push_back(m.name);
    direct->SetNames(std::move(names));
    handler = direct.get();
  }

  const auto started = std::chrono::steady_clock::now();
  const double cpu_started = ThreadCpuSeconds();
  std::uint64_t delivered = 0;
  for (;;) {
    collectors::PollResult result = source->Poll(*handler, 4096, Duration::zero());
    delivered += result.delivered;
    if (result.status == collectors::PollStatus::kFatal) {
      std::fprintf(stderr, "replay_bench: %s\n", result.error.c_str());
      return 1;
    }
    if (result.status == collectors::PollStatus::kEnd) break;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double cpu_seconds = ThreadCpuSeconds() - cpu_started;

  std::uint64_t rejected = 0;
  if (pipeline) {
    pipeline->Publish();
    auto status = pipeline->Status();
    for (auto r : status->rejected) rejected += r;
  } else {
    rejected = direct->rejected();
  }
  std::printf(
      "{\"mode\":\"%s\",\"events\":%llu,\"rejected\":%llu,\"seconds\":%.6f,"
      "\"events_per_second\":%.0f,\"cpu_seconds\":%.6f,\"events_per_cpu_second\":%.0f,\"rss_bytes\":%llu,\"peak_rss_bytes\":%llu}\n",
      mode_name.c_str(), static_cast<unsigned long long>(delivered),
      static_cast<unsigned long long>(rejected), seconds, delivered / seconds, cpu_seconds,
      delivered / cpu_seconds,
      static_cast<unsigned long long>(ResidentBytes()),
      static_cast<unsigned long long>(PeakResidentBytes()));
  return rejected == 0 ? 0 : 1;
}

}  // namespace
}  // namespace driftd::bench

int main(int argc, char** argv) { return driftd::bench::Run(argc, argv); }
