// Helpers shared by the benchmark executables: the benchmark model's
// configuration as TOML, its example traffic in memory, probes that count
// nothing, and the process's resident memory.
//
// The benchmark shape is `driftd generate`'s (daemon/generate_traffic.h):
// numeric features num_0..num_{N-1} and categorical cat_0..cat_{M-1}, model
// names "bench" (one model) or "m0".."m{K-1}" (BenchConfigToml with models > 1).
//
// Not part of the daemon: benchmarks only. Thread-safety: none needed.
#ifndef DRIFTD_BENCH_BENCH_SUPPORT_H_
#define DRIFTD_BENCH_BENCH_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/probes.h"
#include "detectors/time.h"

namespace driftd::bench {

struct BenchModelShape {
  int models = 1;           // 1: one model "bench"; more: "m0", "m1", ...
  int numeric = 16;
  int categorical = 4;
  std::string window = "1h";
  // "first" (reference = first N events) or "rolling".
  std::string reference = "first";
  std::uint64_t first_events = 10000;
  std::string rolling_window = "1h";
  std::string rolling_lag = "1h";
  std::uint32_t panes = 60;
  std::uint64_t exact_up_to = 10000;
  std::uint32_t sketch_k = 200;
  std::string test = "auto";  // every feature's test
};

// The [models.*] tables (and a file source reading `input`) for `shape`.
std::string BenchConfigToml(const BenchModelShape& shape, const std::string& input);

// Parses BenchConfigToml's text; aborts with the errors on stderr when the
// config is refused (a benchmark bug, not an input error).
std::shared_ptr<const config::Config> BenchConfig(const BenchModelShape& shape,
                                                  const std::string& input = "/dev/null");

// `events` prediction lines of `driftd generate --numeric N --categorical M`
// (no model event, no labels), each without its '\n', for model `model`.
std::vector<std::string> BenchEvents(const BenchModelShape& shape, std::uint64_t events,
                                     const std::string& model = "bench",
                                     std::uint64_t seed = 1);

// Probes that count nothing (the replay measures the pipeline, not Prometheus).
class NullModelProbe : public ModelProbe {
 public:
  void CountEvent(EventKind, Timestamp) override {}
};
class NullPipelineProbe : public PipelineProbe {
 public:
  ModelProbe& ForModel(const std::string&) override { return model_; }
  void CountRejected(collectors::RejectReason) override {}

 private:
  NullModelProbe model_;
};

// Resident set size now (VmRSS) and its peak (VmHWM), in bytes; 0 when
// /proc is unreadable.
std::uint64_t ResidentBytes();
std::uint64_t PeakResidentBytes();

// Median of `values` (copied); 0 for none.
double Median(std::vector<double> values);

}  // namespace driftd::bench

#endif  // DRIFTD_BENCH_BENCH_SUPPORT_H_
