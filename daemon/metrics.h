// The one place that owns Prometheus families. Implements the probes of
// daemon/probes.h; Serialize() renders the text exposition for GET /metrics.
#ifndef DRIFTD_DAEMON_METRICS_H_
#define DRIFTD_DAEMON_METRICS_H_

#include <memory>
#include <string>

#include "daemon/probes.h"

namespace driftd {

// Thread-safety: all methods may be called from any thread.
class Metrics : public PipelineProbe, public LifecycleProbe {
 public:
  // Registers every family, driftd_build_info{version,revision} = 1, and one
  // driftd_events_rejected_total series per reason (at 0).
  Metrics(const std::string& version, const std::string& revision);
  ~Metrics() override;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  ModelProbe& ForModel(const std::string& model) override;
  void CountRejected(collectors::RejectReason reason) override;
  void ConfigReloaded(bool success, Timestamp now) override;
  void ConfigLoaded(Timestamp now) override;

  // Prometheus text exposition format 0.0.4.
  std::string Serialize() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_METRICS_H_
