// Window update: one value into a summary per feature type, and one row into
// a SlidingWindow (1 h, 60 panes) per feature type and for the 20-feature
// benchmark row, the second half of the ingest hot path.
#include <benchmark/benchmark.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "detectors/window/categorical_counts.h"
#include "detectors/window/numeric_summary.h"
#include "detectors/window/sliding_window.h"

namespace driftd::bench {
namespace {

using detectors::CategoricalCounts;
using detectors::FeatureKind;
using detectors::FeatureSpec;
using detectors::NumericSummary;
using detectors::NumericSummaryOptions;
using detectors::SlidingWindow;
using detectors::WindowOptions;

constexpr std::size_t kValues = 1 << 16;  // a power of two: index with a mask

std::vector<double> NormalValues(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(10.0, 2.0);
  std::vector<double> values(kValues);
  for (double& v : values) v = normal(rng);
  return values;
}

std::vector<std::string> Categories(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::geometric_distribution<int> zipfish(0.35);
  std::vector<std::string> values(kValues);
  for (auto& v : values) v = "c" + std::to_string(std::min(zipfish(rng), 7));
  return values;
}

// Exact mode (a sample that grows to 2^20 values, then restarts) and sketch
// mode (KLL k = 200 from the first value); with and without a histogram.
void BM_NumericSummaryAdd(benchmark::State& state) {
  const bool sketch = state.range(0) != 0;
  const bool histogram = state.range(1) != 0;
  NumericSummaryOptions options;
  options.exact_up_to = sketch ? 0 : (1u << 20);
  detectors::BinEdges edges;
  if (histogram) {
    auto e = std::make_shared<std::vector<double>>();
    for (int i = 0; i <= 10; ++i) e->push_back(2.0 * i);
    edges = e;
  }
  NumericSummary summary(options, edges);
  const std::vector<double> values = NormalValues(1);
  std::size_t i = 0;
  for (auto _ : state) {
    summary.Add(values[i++ & (kValues - 1)]);
    if (!sketch && summary.count() == options.exact_up_to) summary.Clear(options.exact_up_to, 0);
  }
  benchmark::DoNotOptimize(summary.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NumericSummaryAdd)
    ->Args({0, 0})->Args({1, 0})->Args({0, 1})->Args({1, 1})
    ->ArgNames({"sketch", "histogram"});

void BM_CategoricalAdd(benchmark::State& state) {
  CategoricalCounts counts;
  const std::vector<std::string> values = Categories(2);
  std::size_t i = 0;
  for (auto _ : state) counts.Add(values[i++ & (kValues - 1)]);
  benchmark::DoNotOptimize(counts.total());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CategoricalAdd);

// Rows of `numeric` numeric and `categorical` categorical values into a 1 h
// window of 60 panes, events `interval_ms` apart in event time (100 ms: 36 000
// events per window, so panes run in sketch mode past exact_up_to = 10 000;
// the default options of the daemon).
void BM_SlidingWindowAdd(benchmark::State& state) {
  const int numeric = static_cast<int>(state.range(0));
  const int categorical = static_cast<int>(state.range(1));
  const auto interval = std::chrono::milliseconds(state.range(2));
  std::vector<FeatureSpec> specs;
  for (int i = 0; i < numeric; ++i) specs.push_back({FeatureKind::kNumeric, nullptr});
  for (int j = 0; j < categorical; ++j) specs.push_back({FeatureKind::kCategorical, nullptr});
  SlidingWindow window(WindowOptions{}, specs);

  const std::vector<double> numbers = NormalValues(3);
  const std::vector<std::string> categories = Categories(4);
  // Rows prepared up front, so the loop measures Add alone.
  constexpr std::size_t kRows = 1024;
  std::vector<std::vector<Value>> rows(kRows);
  std::size_t n = 0;
  for (auto& row : rows) {
    for (int i = 0; i < numeric; ++i) row.emplace_back(numbers[n++ & (kValues - 1)]);
    for (int j = 0; j < categorical; ++j) row.emplace_back(categories[n++ & (kValues - 1)]);
  }
  Timestamp ts(std::chrono::seconds(1767225600));
  std::size_t i = 0;
  for (auto _ : state) {
    auto result = window.Add(ts, rows[i++ & (kRows - 1)]);
    benchmark::DoNotOptimize(result);
    ts += interval;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["values/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * (numeric + categorical), benchmark::Counter::kIsRate);
  state.counters["window_bytes"] = static_cast<double>(window.MemoryBytes());
}
BENCHMARK(BM_SlidingWindowAdd)
    ->Args({1, 0, 100})->Args({0, 1, 100})->Args({16, 4, 100})->Args({16, 4, 1000})
    ->ArgNames({"numeric", "categorical", "interval_ms"});

}  // namespace
}  // namespace driftd::bench
