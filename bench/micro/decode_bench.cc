// Decode: one 20-feature prediction event (16 numeric, 4 categorical) from
// JSON into a reused Event, the first half of the ingest hot path.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "collectors/decoder.h"

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
}
BENCHMARK(BM_Decode)->Args({16, 4})->Args({100, 0})->ArgNames({"numeric", "categorical"});

}  // namespace
}  // namespace driftd::bench
