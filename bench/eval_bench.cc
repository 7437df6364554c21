// One evaluation of a model with 100 numeric features, each judged by KS,
// Wasserstein, PSI and Jensen-Shannon (400 feature results, then Decide),
// over a reference and a current window of 10^6 values per feature.
//
//   summary  the windows as the daemon holds them past exact_up_to: KLL
//            sketches (k = 200) of 10^6 values; also measured with the pane
//            merge in front (60 panes of a SlidingWindow -> one summary).
//   exact    sorted exact samples of 10^6 values (exact_up_to = 10^6).
//
// Google Benchmark executable; bench/README.md quotes the median of the
// repetitions (--benchmark_repetitions=5).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "config/config.h"
#include "detectors/drift/drift.h"
#include "detectors/window/numeric_summary.h"
#include "detectors/window/sliding_window.h"

namespace driftd::bench {
namespace {

using detectors::NumericSummary;

constexpr int kFeatures = 100;
constexpr int kDistinct = 8;  // distinct (reference, current) pairs, reused round robin
constexpr int kValues = 1000000;
const char* const kTests[] = {"ks", "wasserstein", "psi", "jensenshannon"};

struct Pair {
  NumericSummary reference;
  NumericSummary current;
};

std::vector<Pair> MakePairs(bool exact) {
  std::vector<Pair> pairs;
  for (int p = 0; p < kDistinct; ++p) {
    detectors::NumericSummaryOptions options{.exact_up_to = exact ? std::size_t{kValues} : 10000,
                                             .kll_k = 200,
                                             .seed = static_cast<std::uint64_t>(p)};
    Pair pair{NumericSummary(options), NumericSummary(options)};
    std::mt19937_64 rng(100 + p);
    std::normal_distribution<double> normal(10.0 * p, 1.0 + p % 3);
    // Current windows of odd pairs drift by a fifth of a standard deviation.
    const double shift = p % 2 == 1 ? 0.2 * (1.0 + p % 3) : 0.0;
    for (int i = 0; i < kValues; ++i) {
      pair.reference.Add(normal(rng));
      pair.current.Add(normal(rng) + shift);
    }
    pair.reference.Sort();
    pair.current.Sort();
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

detectors::DriftReport EvaluateModel(const std::vector<Pair>& pairs) {
  config::DriftConfig drift;
  std::vector<detectors::FeatureResult> results;
  results.reserve(kFeatures * 4);
  for (int f = 0; f < kFeatures; ++f) {
    const Pair& pair = pairs[f % kDistinct];
    for (const char* test : kTests) {
      detectors::DriftFeatureSpec spec{.name = "num_" + std::to_string(f),
                                       .type = config::FeatureType::kNumeric,
                                       .test = test,
                                       .threshold = std::nullopt};
      results.push_back(detectors::EvaluateFeature(spec, {.numeric = &pair.reference},
                                                   {.numeric = &pair.current}, drift, 200));
    }
  }
  return detectors::Decide(std::move(results), drift);
}

void BM_EvaluateModel(benchmark::State& state) {
  const bool exact = state.range(0) != 0;
  const std::vector<Pair> pairs = MakePairs(exact);
  std::size_t drifted = 0;
  for (auto _ : state) {
    detectors::DriftReport report = EvaluateModel(pairs);
    drifted = static_cast<std::size_t>(report.drift_share * report.judged + 0.5);
    benchmark::DoNotOptimize(report);
  }
  state.counters["feature_results"] = kFeatures * 4;
  state.counters["drifted"] = static_cast<double>(drifted);
}
BENCHMARK(BM_EvaluateModel)->Arg(0)->Arg(1)->ArgName("exact")->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Summary mode with the pane merge in front: the current window is a
// SlidingWindow of 60 panes holding 10^6 events of 100 features; each
// iteration merges it (Merged + SortAll) and evaluates against fixed
// reference sketches.
void BM_MergeAndEvaluateModel(benchmark::State& state) {
  const std::vector<Pair> pairs = MakePairs(false);
  std::vector<detectors::FeatureSpec> specs(kFeatures, {detectors::FeatureKind::kNumeric, nullptr});
  detectors::SlidingWindow window(detectors::WindowOptions{}, specs);
  {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal;
    const Timestamp start(std::chrono::seconds(1767225600));
    const Duration step = std::chrono::duration_cast<Duration>(std::chrono::hours(1)) / kValues;
    std::vector<Value> row(kFeatures);
    for (int e = 0; e < kValues; ++e) {
      for (int f = 0; f < kFeatures; ++f) row[f] = normal(rng) + 10.0 * (f % kDistinct);
      (void)window.Add(start + step * e, row);
    }
  }
  config::DriftConfig drift;
  for (auto _ : state) {
    detectors::SummarySet current = window.Merged();
    current.SortAll();
    std::vector<detectors::FeatureResult> results;
    for (int f = 0; f < kFeatures; ++f) {
      for (const char* test : kTests) {
        detectors::DriftFeatureSpec spec{.name = "num_" + std::to_string(f),
                                         .type = config::FeatureType::kNumeric,
                                         .test = test,
                                         .threshold = std::nullopt};
        results.push_back(detectors::EvaluateFeature(spec, {.numeric = &pairs[f % kDistinct].reference},
                                                     {.numeric = &current.numeric(f)}, drift, 200));
      }
    }
    benchmark::DoNotOptimize(detectors::Decide(std::move(results), drift));
  }
  state.counters["window_bytes"] = static_cast<double>(window.MemoryBytes());
}
BENCHMARK(BM_MergeAndEvaluateModel)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace driftd::bench

BENCHMARK_MAIN();
