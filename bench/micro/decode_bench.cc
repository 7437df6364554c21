// Decode: one 20-feature prediction event (16 numeric, 4 categorical) from
// JSON into a reused Event, the first half of the ingest hot path.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "collectors/decoder.h"
#include "collectors/timestamp.h"

namespace driftd::bench {
namespace {

void BM_Decode(benchmark::State& state) {
  BenchModelShape shape;
  shape.numeric = static_cast<int>(state.range(0));
  shape.categorical = static_cast<int>(state.range(1));
  auto config = BenchConfig(shape);
  const std::vector<std::string> lines = BenchEvents(shape, 4096);
  collectors::Decoder decoder(*config);
  Event event;
  std::size_t i = 0;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& line = lines[i++ & 4095];
    collectors::SourceMessage message;
    message.payload = line;
    message.size = line.size();
    auto error = decoder.Decode(message, Timestamp{}, &event);
    benchmark::DoNotOptimize(error);
    benchmark::DoNotOptimize(event.features.data());
    bytes += static_cast<std::int64_t>(line.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
  // Share of events the fast parser decoded (the rest went to the DOM path).
  state.counters["fast_share"] = static_cast<double>(decoder.fast_path_decodes()) /
                                 static_cast<double>(state.iterations());
}
BENCHMARK(BM_Decode)->Args({16, 4})->Args({100, 0})->ArgNames({"numeric", "categorical"});

// The same event parsed in place: a payload with 64+ readable bytes after
// it (how FileSource delivers lines inside its read buffer), no copy.
void BM_DecodeInPlace(benchmark::State& state) {
  BenchModelShape shape;
  shape.numeric = static_cast<int>(state.range(0));
  shape.categorical = static_cast<int>(state.range(1));
  auto config = BenchConfig(shape);
  std::vector<std::string> lines = BenchEvents(shape, 4096);
  std::vector<std::size_t> sizes;
  for (std::string& line : lines) {
    sizes.push_back(line.size());
    line.append(64, ' ');
  }
  collectors::Decoder decoder(*config);
  Event event;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ & 4095;
    collectors::SourceMessage message;
    message.payload = std::string_view(lines[k]).substr(0, sizes[k]);
    message.size = sizes[k];
    message.padding = 64;
    auto error = decoder.Decode(message, Timestamp{}, &event);
    benchmark::DoNotOptimize(error);
    benchmark::DoNotOptimize(event.features.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeInPlace)->Args({16, 4})->ArgNames({"numeric", "categorical"});

// RFC 3339 parsing: the common millisecond UTC form (straight-line path)
// and a form with an offset and nanoseconds (general parser).
void BM_ParseRfc3339(benchmark::State& state) {
  const std::string text =
      state.range(0) == 0 ? "2026-11-27T01:02:03.456Z" : "2026-11-27T01:02:03.123456789+01:00";
  for (auto _ : state) {
    std::string_view view = text;
    benchmark::DoNotOptimize(view);
    auto t = collectors::ParseRfc3339(view);
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRfc3339)->Arg(0)->Arg(1)->ArgNames({"general"});

}  // namespace
}  // namespace driftd::bench
