// The probe through which the ML Test Score monitors report their numbers to
// the metrics (daemon/metrics.h implements it; tests pass fakes). Kept apart
// from daemon/monitoring.h so the metrics library needs only the plain
// snapshot type, not the monitors.
#ifndef DRIFTD_DAEMON_MONITORING_PROBE_H_
#define DRIFTD_DAEMON_MONITORING_PROBE_H_

#include <string>
#include <vector>

#include "detectors/monitors/snapshot.h"

namespace driftd {

// Thread-safety: all methods may be called from any thread.
class MonitoringProbe {
 public:
  virtual ~MonitoringProbe() = default;
  // Sets one model's monitoring series from `snapshot`:
  //   driftd_model_info{model,version} = 1 (the previous version's series removed)
  //   driftd_model_age_seconds{model} (removed while unknown)
  //   driftd_invariant_violations_total{model,feature,rule}
  //   driftd_nonfinite_values_total{model,field}
  //   driftd_label_join_total{model,outcome}, driftd_label_join_pending{model,side}
  //   driftd_prediction_latency_seconds{model,quantile}
  //   driftd_prediction_quality{model,metric}
  //   driftd_ml_test_score_monitor{model,item} (1 ok, 0 failing; only
  //   configured items), driftd_ml_test_score{model}
  // Counters advance to the snapshot's cumulative totals (never backwards).
  // Gauges of the model not in the snapshot (a quantile without data, an
  // item no longer configured) are removed.
  virtual void PublishMonitoring(const detectors::MonitorSnapshot& snapshot) = 0;
  // Removes the gauges of models not in `models` (after a reload).
  virtual void RetainMonitoredModels(const std::vector<std::string>& models) = 0;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_MONITORING_PROBE_H_
