// PerformanceMonitor (M6, "computing performance has not regressed").
//
// From prediction events, per window (PaneRing over event time):
//   LatencyRegression  p50 / p90 / p99 of latency_ms (as seconds) against
//                      p50_max / p90_max / p99_max; and p99 over the
//                      reference period's p99 against max_ratio
//   ThroughputDrop     prediction events per second against
//                      min_throughput; and against the reference period's
//                      rate times min_throughput_ratio
// Quantiles are the inverted-CDF quantiles (numpy method "inverted_cdf")
// of the window's latencies, exact up to windows.exact_up_to values per
// pane, then from KLL sketches (rank error epsilon, finding mode "sketch").
// Throughput divides the window's events by the time it covers: the window
// length, or less while the model has been seen for less than that (from
// the first prediction's event time to now). A silent model's throughput
// drains to 0 on the clock, so the floor fires without traffic. Latency
// checks are judged from min_samples latencies; throughput once a pane's
// width has been covered. Reference rates: first period (n - 1) / (last -
// first event time); rolling period events / reference.window.
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_MONITORS_PERFORMANCE_H_
#define DRIFTD_DETECTORS_MONITORS_PERFORMANCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "detectors/finding.h"
#include "detectors/monitors/monitor_common.h"
#include "detectors/monitors/pane_ring.h"
#include "detectors/monitors/reference_period.h"
#include "detectors/window/numeric_summary.h"

namespace driftd::detectors {

class PerformanceMonitor {
 public:
  struct Pane {
    explicit Pane(NumericSummaryOptions options = {}) : latency(options) {}
    NumericSummary latency;  // seconds
    std::uint64_t events = 0;
    Timestamp first{}, last{};
    void Merge(const Pane& other);
    void Clear();
    void AppendTo(std::string* out) const;
    [[nodiscard]] static std::optional<Pane> Parse(std::string_view* in);
  };

  explicit PerformanceMonitor(const config::ModelConfig& model);

  void ObservePrediction(Timestamp ts, std::optional<double> latency_ms);
  void AdvanceTo(Timestamp now);
  std::vector<Finding> Evaluate(const FindingBase& base, std::uint64_t min_samples) const;

  // Current window quantiles (seconds) at 0.5, 0.9, 0.99; empty without data.
  std::vector<std::pair<double, double>> Quantiles() const;

  void AppendTo(std::string* out) const;
  [[nodiscard]] bool ParseFrom(std::string_view* in);

 private:
  std::optional<config::LatencyConfig> config_;
  config::ReferenceType reference_type_;
  Duration reference_window_;
  PaneRing<Pane> ring_;
  ReferencePeriod<Pane> reference_;
  std::optional<Timestamp> first_event_;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_PERFORMANCE_H_
