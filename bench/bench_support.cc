#include "bench/bench_support.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config/loader.h"
#include "daemon/generate_traffic.h"

namespace driftd::bench {

std::string BenchConfigToml(const BenchModelShape& shape, const std::string& input) {
  std::ostringstream toml;
  toml << "[daemon]\nlog_level = \"error\"\n\n[source]\ntype = \"file\"\npath = \"" << input
       << "\"\n";
  for (int m = 0; m < shape.models; ++m) {
    const std::string name = shape.models == 1 ? "bench" : "m" + std::to_string(m);
    toml << "\n[models." << name << "]\nwindow = \"" << shape.window << "\"\n";
    if (shape.reference == "rolling") {
      toml << "reference = { type = \"rolling\", window = \"" << shape.rolling_window
           << "\", lag = \"" << shape.rolling_lag << "\" }\n";
    } else {
      toml << "reference = { type = \"first\", events = " << shape.first_events << " }\n";
    }
    toml << "[models." << name << ".windows]\npanes = " << shape.panes
         << "\nexact_up_to = " << shape.exact_up_to << "\nsketch_k = " << shape.sketch_k << "\n";
    toml << "[models." << name << ".features]\n";
    for (int i = 0; i < shape.numeric; ++i) {
      toml << "num_" << i << " = { type = \"numeric\", test = \"" << shape.test << "\" }\n";
    }
    // Categorical features keep the auto rule: KS and Wasserstein need numbers.
    for (int j = 0; j < shape.categorical; ++j) {
      toml << "cat_" << j << " = { type = \"categorical\" }\n";
    }
  }
  return toml.str();
}

std::shared_ptr<const config::Config> BenchConfig(const BenchModelShape& shape,
                                                  const std::string& input) {
  config::LoadResult result = config::ParseConfig(BenchConfigToml(shape, input), "bench.toml");
  if (!result.ok()) {
    for (const auto& error : result.errors) {
      std::fprintf(stderr, "bench config: line %d: %s\n", static_cast<int>(error.line),
                   error.message.c_str());
    }
    std::abort();
  }
  return result.config;
}

std::vector<std::string> BenchEvents(const BenchModelShape& shape, std::uint64_t events,
                                     const std::string& model, std::uint64_t seed) {
  TrafficOptions options;
  options.model = model;
  options.events = events;
  options.seed = seed;
  options.label_share = 0.0;
  options.model_event = false;
  options.benchmark_shape = true;
  options.numeric = shape.numeric;
  options.categorical = shape.categorical;
  TrafficGenerator generator(options);
  std::vector<std::string> lines;
  lines.reserve(events);
  std::string line;
  while (generator.Next(&line)) {
    if (!line.empty() && line.back() == '\n') line.pop_back();
    lines.push_back(std::move(line));
    line.clear();
  }
  return lines;
}

namespace {

std::uint64_t StatusKilobytes(const char* key) {
  std::ifstream status("/proc/self/status");
  std::string word;
  while (status >> word) {
    if (word == key) {
      std::uint64_t kb = 0;
      status >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

}  // namespace

std::uint64_t ResidentBytes() { return StatusKilobytes("VmRSS:"); }
std::uint64_t PeakResidentBytes() { return StatusKilobytes("VmHWM:"); }

double Median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

}  // namespace driftd::bench
