// MonitorSnapshot: the numbers of one model's monitors that the daemon
// exports as Prometheus metrics (daemon/metrics.h), as a plain value made on
// the ingest thread and handed to the metrics owner. Header-only on purpose:
// the metrics library reads it without linking the monitors.
#ifndef DRIFTD_DETECTORS_MONITORS_SNAPSHOT_H_
#define DRIFTD_DETECTORS_MONITORS_SNAPSHOT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace driftd::detectors {

struct MonitorCount {
  std::string label;        // feature (invariants), field (non-finite) or outcome (label join)
  std::string rule;         // invariants only
  std::uint64_t total = 0;  // cumulative since the monitors were created or restored
};

struct MonitorSnapshot {
  std::string model;
  std::string version;                             // driftd_model_info; empty when unknown
  std::optional<double> model_age_seconds;         // driftd_model_age_seconds
  std::vector<MonitorCount> invariant_violations;  // driftd_invariant_violations_total
  std::vector<MonitorCount> nonfinite_values;      // driftd_nonfinite_values_total
  std::vector<std::pair<std::string, double>> latency_quantiles;  // "0.5" -> seconds
  std::vector<std::pair<std::string, double>> quality;            // metric -> value
  std::vector<MonitorCount> label_join;                           // driftd_label_join_total
  std::uint64_t pending_predictions = 0;                          // driftd_label_join_pending{side}
  std::uint64_t pending_labels = 0;
  // (item, 1 ok / 0 failing) for configured items only; score = their count.
  std::vector<std::pair<std::string, int>> items;
  int score = 0;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_SNAPSHOT_H_
