// Each statistic on its own: KS, Wasserstein, PSI, Jensen-Shannon and
// Evidently's further tests over exact samples (detectors/stats) and KS and
// Wasserstein over KLL summaries
// (detectors/window/summary_distance.h), at 10^4 and 10^6 values a side.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "detectors/stats/binning.h"
#include "detectors/stats/divergence.h"
#include "detectors/stats/energy.h"
#include "detectors/stats/ks.h"
#include "detectors/stats/location.h"
#include "detectors/stats/permutation.h"
#include "detectors/stats/wasserstein.h"
#include "detectors/window/numeric_summary.h"
#include "detectors/window/summary_distance.h"

namespace driftd::bench {
namespace {

namespace stats = detectors::stats;

std::vector<double> SortedNormal(std::size_t n, double mean, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(mean, 1.0);
  std::vector<double> v(n);
  for (double& x : v) x = normal(rng);
  std::sort(v.begin(), v.end());
  return v;
}

detectors::NumericSummary Sketch(const std::vector<double>& values, std::uint64_t seed) {
  detectors::NumericSummary s({.exact_up_to = 0, .kll_k = 200, .seed = seed});
  for (double x : values) s.Add(x);
  return s;
}

void BM_KsExactSamples(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = SortedNormal(n, 0.0, 1), b = SortedNormal(n, 0.05, 2);
  // kAuto: the exact p-value up to 10^4 a side, the asymptotic one beyond.
  for (auto _ : state) benchmark::DoNotOptimize(stats::KolmogorovSmirnov(a, b));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(2 * n));
}
BENCHMARK(BM_KsExactSamples)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_WassersteinExactSamples(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = SortedNormal(n, 0.0, 1), b = SortedNormal(n, 0.05, 2);
  for (auto _ : state) benchmark::DoNotOptimize(stats::NormedWasserstein1(a, b));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(2 * n));
}
BENCHMARK(BM_WassersteinExactSamples)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// PSI and JS on 10-bin histograms: the counting (HistogramCounts over 10^6
// values) and the divergence on the counts, apart.
void BM_HistogramCounts(benchmark::State& state) {
  const auto a = SortedNormal(static_cast<std::size_t>(state.range(0)), 0.0, 1);
  const auto edges = *stats::EqualWidthEdges(a.front(), a.back(), 10);
  for (auto _ : state) benchmark::DoNotOptimize(stats::HistogramCounts(a, edges));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_HistogramCounts)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_PsiOnCounts(benchmark::State& state) {
  const auto a = SortedNormal(100000, 0.0, 1), b = SortedNormal(100000, 0.05, 2);
  const auto edges = *stats::EqualWidthEdges(a.front(), a.back(), static_cast<int>(state.range(0)));
  const auto ca = stats::HistogramCounts(a, edges), cb = stats::HistogramCounts(b, edges);
  for (auto _ : state) benchmark::DoNotOptimize(stats::PopulationStabilityIndex(ca, cb));
}
BENCHMARK(BM_PsiOnCounts)->Arg(10)->Arg(100);

void BM_JensenShannonOnCounts(benchmark::State& state) {
  const auto a = SortedNormal(100000, 0.0, 1), b = SortedNormal(100000, 0.05, 2);
  const auto edges = *stats::EqualWidthEdges(a.front(), a.back(), static_cast<int>(state.range(0)));
  const auto ca = stats::HistogramCounts(a, edges), cb = stats::HistogramCounts(b, edges);
  for (auto _ : state) benchmark::DoNotOptimize(stats::JensenShannonDistance(ca, cb));
}
BENCHMARK(BM_JensenShannonOnCounts)->Arg(10)->Arg(100);

// Evidently's further tests on exact samples of 10^4 and 10^6 values a side:
// Mann-Whitney U (one merge walk over tie groups, normal p-value), energy
// distance (one merge walk), Student's t (two passes per sample).
void BM_MannWhitneyExactSamples(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = SortedNormal(n, 0.0, 1), b = SortedNormal(n, 0.05, 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(stats::MannWhitneyU(a, b, stats::Alternative::kLess));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(2 * n));
}
BENCHMARK(BM_MannWhitneyExactSamples)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_EnergyDistanceExactSamples(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = SortedNormal(n, 0.0, 1), b = SortedNormal(n, 0.05, 2);
  for (auto _ : state) benchmark::DoNotOptimize(stats::EnergyDistance(a, b));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(2 * n));
}
BENCHMARK(BM_EnergyDistanceExactSamples)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_StudentTTestSamples(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = SortedNormal(n, 0.0, 1), b = SortedNormal(n, 0.05, 2);
  for (auto _ : state) benchmark::DoNotOptimize(stats::StudentTTest(a, b));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(2 * n));
}
BENCHMARK(BM_StudentTTestSamples)->Arg(1000000)->Unit(benchmark::kMillisecond);

// TVD with B = 1000 relabellings (Evidently's) of 10 categories, by the
// number of observations per side: cost grows as B min(n, m).
void BM_TvdPermutation(benchmark::State& state) {
  const auto per_side = static_cast<double>(state.range(0));
  std::vector<double> ref(10), cur(10);
  for (int i = 0; i < 10; ++i) {
    ref[static_cast<std::size_t>(i)] = std::round(per_side * (i + 1) / 55.0);
    cur[static_cast<std::size_t>(i)] = std::round(per_side * (10 - i) / 55.0);
  }
  for (auto _ : state) benchmark::DoNotOptimize(stats::TvdPermutationTest(ref, cur));
}
BENCHMARK(BM_TvdPermutation)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

// Summary mode: D and W1 from two KLL sketches (k = 200) of 10^6 values.
void BM_KsDistanceSketch(benchmark::State& state) {
  const auto a = Sketch(SortedNormal(1000000, 0.0, 1), 1);
  const auto b = Sketch(SortedNormal(1000000, 0.05, 2), 2);
  for (auto _ : state) benchmark::DoNotOptimize(detectors::KsDistance(a, b));
}
BENCHMARK(BM_KsDistanceSketch)->Unit(benchmark::kMicrosecond);

void BM_WassersteinDistanceSketch(benchmark::State& state) {
  const auto a = Sketch(SortedNormal(1000000, 0.0, 1), 1);
  const auto b = Sketch(SortedNormal(1000000, 0.05, 2), 2);
  for (auto _ : state) benchmark::DoNotOptimize(detectors::Wasserstein1Distance(a, b));
}
BENCHMARK(BM_WassersteinDistanceSketch)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace driftd::bench
