// Pane merge (what every evaluation does before its statistics) and the
// checkpoint encoding of a window (AppendTo / Parse), for the 20-feature
// benchmark row in a 1 h window of 60 panes.
#include <benchmark/benchmark.h>

#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/window/numeric_summary.h"
#include "detectors/window/sliding_window.h"

namespace driftd::bench {
namespace {

using detectors::FeatureKind;
using detectors::FeatureSpec;
using detectors::SlidingWindow;
using detectors::WindowOptions;

// A window of 16 numeric and 4 categorical features holding `events` events
// spread evenly over its hour (36 000: panes in sketch mode; 6 000: exact).
SlidingWindow FilledWindow(std::int64_t events) {
  std::vector<FeatureSpec> specs;
  for (int i = 0; i < 16; ++i) specs.push_back({FeatureKind::kNumeric, nullptr});
  for (int j = 0; j < 4; ++j) specs.push_back({FeatureKind::kCategorical, nullptr});
  SlidingWindow window(WindowOptions{}, specs);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(10.0, 2.0);
  std::geometric_distribution<int> zipfish(0.35);
  const Timestamp start(std::chrono::seconds(1767225600));
  const auto step = std::chrono::duration_cast<Duration>(std::chrono::hours(1)) / events;
  std::vector<Value> row(20);
  for (std::int64_t e = 0; e < events; ++e) {
    for (int i = 0; i < 16; ++i) row[i] = normal(rng);
    for (int j = 0; j < 4; ++j) row[16 + j] = "c" + std::to_string(std::min(zipfish(rng), 7));
    (void)window.Add(start + step * e, row);
  }
  return window;
}

void BM_PaneMergeWindow(benchmark::State& state) {
  const SlidingWindow window = FilledWindow(state.range(0));
  for (auto _ : state) {
    auto merged = window.Merged();
    merged.SortAll();
    benchmark::DoNotOptimize(merged.rows());
  }
  state.counters["panes"] = 60;
  state.counters["features"] = 20;
}
BENCHMARK(BM_PaneMergeWindow)->Arg(6000)->Arg(36000)->Arg(360000)->Unit(benchmark::kMicrosecond);

// Two sketches of 10^6 values each (k = 200): the merge step of summaries.
void BM_NumericSketchMerge(benchmark::State& state) {
  detectors::NumericSummary a({.exact_up_to = 0, .kll_k = 200, .seed = 1});
  detectors::NumericSummary b({.exact_up_to = 0, .kll_k = 200, .seed = 2});
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  for (int i = 0; i < 1000000; ++i) {
    a.Add(normal(rng));
    b.Add(normal(rng));
  }
  for (auto _ : state) {
    detectors::NumericSummary c = a;
    c.Merge(b);
    benchmark::DoNotOptimize(c.count());
  }
}
BENCHMARK(BM_NumericSketchMerge)->Unit(benchmark::kMicrosecond);

void BM_CheckpointEncodeWindow(benchmark::State& state) {
  const SlidingWindow window = FilledWindow(state.range(0));
  std::string out;
  for (auto _ : state) {
    out.clear();
    window.AppendTo(&out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(out.size()));
  state.counters["encoded_bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_CheckpointEncodeWindow)->Arg(6000)->Arg(36000)->Unit(benchmark::kMicrosecond);

void BM_CheckpointParseWindow(benchmark::State& state) {
  const SlidingWindow window = FilledWindow(state.range(0));
  std::string bytes;
  window.AppendTo(&bytes);
  for (auto _ : state) {
    std::string_view in = bytes;
    auto parsed = SlidingWindow::Parse(&in);
    if (!parsed) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_CheckpointParseWindow)->Arg(6000)->Arg(36000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace driftd::bench
