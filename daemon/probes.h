// The small interfaces through which daemon components report what they do.
// daemon/metrics.h implements them over the Prometheus registry, so nothing
// else in the daemon includes Prometheus headers; tests pass fakes.
#ifndef DRIFTD_DAEMON_PROBES_H_
#define DRIFTD_DAEMON_PROBES_H_

#include <string>

#include "collectors/decoder.h"
#include "detectors/event.h"
#include "detectors/time.h"

namespace driftd {

// Counters of one model. Thread-safety: all methods may be called from any thread.
class ModelProbe {
 public:
  virtual ~ModelProbe() = default;
  // driftd_events_total{model,kind} += 1 and, if ts is newer,
  // driftd_last_event_timestamp_seconds{model} = ts.
  virtual void CountEvent(EventKind kind, Timestamp ts) = 0;
};

// Thread-safety: all methods may be called from any thread.
class PipelineProbe {
 public:
  virtual ~PipelineProbe() = default;
  // The probe of a configured model; the reference stays valid for the
  // probe's lifetime (a model removed by a reload keeps its series).
  virtual ModelProbe& ForModel(const std::string& model) = 0;
  // driftd_events_rejected_total{reason} += 1.
  virtual void CountRejected(collectors::RejectReason reason) = 0;
};

// Thread-safety: all methods may be called from any thread.
class LifecycleProbe {
 public:
  virtual ~LifecycleProbe() = default;
  // driftd_config_reloads_total{result="success"|"failure"} += 1; on success
  // also driftd_config_last_reload_success_timestamp_seconds = now.
  virtual void ConfigReloaded(bool success, Timestamp now) = 0;
  // driftd_config_last_reload_success_timestamp_seconds at start-up.
  virtual void ConfigLoaded(Timestamp now) = 0;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_PROBES_H_
