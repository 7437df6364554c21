// Resident memory of many models' windows: K models of N numeric and M
// categorical features, each with a 1 h current window and a rolling
// reference, fed through the real Pipeline (decode, windows, monitors) with
// `rate` events per second of event time per model for `hours` of event time.
// Prints one JSON line per half hour of event time (resident memory then)
// and a summary line, so growth over event time shows at a glance. The
// summary gives the resident size with the windows full (rss_bytes), the
// highest while an evaluation round holds its slices of merged windows one
// at a time as the daemon does (rss_with_slice_bytes), and while one snapshot
// of every model is held at once (rss_with_snapshot_bytes, as in replay).
//
//   memory_bench [--models 100] [--numeric 40] [--categorical 10]
//                [--rate 1] [--hours 4] [--ref-window 1h] [--lag 1h]
//                [--panes 60] [--exact-up-to 10000] [--sketch-k 200]
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "daemon/evaluator.h"
#include "daemon/generate_traffic.h"
#include "daemon/log.h"
#include "daemon/pipeline.h"
#include "daemon/system_clock.h"

namespace driftd::bench {
namespace {

int Run(int argc, char** argv) {
  BenchModelShape shape;
  shape.models = 100;
  shape.numeric = 40;
  shape.categorical = 10;
  shape.reference = "rolling";
  double rate = 1.0;
  double hours = 4.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--models") shape.models = std::atoi(value);
    else if (flag == "--numeric") shape.numeric = std::atoi(value);
    else if (flag == "--categorical") shape.categorical = std::atoi(value);
    else if (flag == "--rate") rate = std::atof(value);
    else if (flag == "--hours") hours = std::atof(value);
    else if (flag == "--ref-window") shape.rolling_window = value;
    else if (flag == "--lag") shape.rolling_lag = value;
    else if (flag == "--panes") shape.panes = static_cast<std::uint32_t>(std::atoi(value));
    else if (flag == "--exact-up-to") shape.exact_up_to = std::strtoull(value, nullptr, 10);
    else if (flag == "--sketch-k") shape.sketch_k = static_cast<std::uint32_t>(std::atoi(value));
    else {
      std::fprintf(stderr, "memory_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (shape.models < 2 || rate <= 0 || hours <= 0) {
    std::fprintf(stderr, "memory_bench: need --models >= 2, --rate > 0, --hours > 0\n");
    return 2;
  }
  const std::uint64_t rss_start = ResidentBytes();
  auto config = BenchConfig(shape);
  SystemClock clock;
  Logger log(clock, stderr, config::LogLevel::kError);
  NullPipelineProbe probe;
  Pipeline pipeline(config, probe, clock, log);
  // Empty windows and monitors, before any event: the fixed cost.
  const std::uint64_t rss_setup = ResidentBytes();

  // One generator per model, same start and interval: taking one event of
  // each in turn keeps the merged stream in event-time order.
  const auto interval = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(1.0 / rate));
  const auto events_per_model = static_cast<std::uint64_t>(hours * 3600.0 * rate);
  std::vector<std::unique_ptr<TrafficGenerator>> generators;
  for (int m = 0; m < shape.models; ++m) {
    TrafficOptions options;
    options.model = "m" + std::to_string(m);
    options.events = events_per_model;
    options.seed = 1 + m;
    options.interval = interval;
    options.label_share = 0.0;
    options.model_event = false;
    options.benchmark_shape = true;
    options.numeric = shape.numeric;
    options.categorical = shape.categorical;
    generators.push_back(std::make_unique<TrafficGenerator>(options));
  }
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t per_half_hour = static_cast<std::uint64_t>(1800.0 * rate);
  std::string line;
  std::uint64_t handled = 0;
  for (std::uint64_t e = 0; e < events_per_model; ++e) {
    for (auto& generator : generators) {
      line.clear();
      if (!generator->Next(&line)) continue;
      collectors::SourceMessage message;
      message.payload = std::string_view(line.data(), line.size() - 1);  // without '\n'
      message.size = message.payload.size();
      pipeline.Handle(message);
      ++handled;
    }
    if ((e + 1) % per_half_hour == 0) {
      // Heap bytes in use (glibc mallinfo2) beside the resident size: the
      // gap between them is allocator overhead and fragmentation.
      std::printf("{\"event_hours\":%.2f,\"events\":%llu,\"rss_bytes\":%llu,\"heap_in_use_bytes\":%llu}\n",
                  (e + 1) / rate / 3600.0, static_cast<unsigned long long>(handled),
                  static_cast<unsigned long long>(ResidentBytes()),
                  static_cast<unsigned long long>(mallinfo2().uordblks));
      std::fflush(stdout);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::uint64_t rss_filled = ResidentBytes();
  // An evaluation round as the daemon runs it (daemon/evaluator.h): one
  // slice of merged windows at a time, each released before the next.
  std::uint64_t rss_with_slice = rss_filled;
  for (std::size_t first = 0; first < config->models.size();) {
    const auto slice = pipeline.SnapshotModels(config, first, kEvaluationSliceBytes, clock.Now());
    if (slice.empty()) break;
    rss_with_slice = std::max(rss_with_slice, ResidentBytes());
    first += slice.size();
  }
  // One snapshot of every model at once on top (what `driftd replay` holds).
  auto snapshot = pipeline.SnapshotWindows();
  const std::uint64_t rss_with_snapshot = ResidentBytes();
  pipeline.Publish();
  std::uint64_t rejected = 0;
  for (auto r : pipeline.Status()->rejected) rejected += r;
  std::printf(
      "{\"summary\":true,\"models\":%d,\"features\":%d,\"rate_per_model\":%g,\"event_hours\":%g,"
      "\"events\":%llu,\"rejected\":%llu,\"seconds\":%.1f,\"rss_start_bytes\":%llu,\"rss_setup_bytes\":%llu,"
      "\"rss_bytes\":%llu,\"rss_with_slice_bytes\":%llu,\"rss_with_snapshot_bytes\":%llu,\"peak_rss_bytes\":%llu}\n",
      shape.models, shape.numeric + shape.categorical, rate, hours,
      static_cast<unsigned long long>(handled), static_cast<unsigned long long>(rejected), seconds,
      static_cast<unsigned long long>(rss_start), static_cast<unsigned long long>(rss_setup),
      static_cast<unsigned long long>(rss_filled), static_cast<unsigned long long>(rss_with_slice),
      static_cast<unsigned long long>(rss_with_snapshot),
      static_cast<unsigned long long>(PeakResidentBytes()));
  return rejected == 0 ? 0 : 1;
}

}  // namespace
}  // namespace driftd::bench

int main(int argc, char** argv) { return driftd::bench::Run(argc, argv); }
