// The one place that owns Prometheus families. Implements the probes of
// daemon/probes.h; Serialize() renders the text exposition for GET /metrics.
#ifndef DRIFTD_DAEMON_METRICS_H_
#define DRIFTD_DAEMON_METRICS_H_

#include <memory>
#include <string>

#include "daemon/evaluation_probe.h"
#include "daemon/monitoring_probe.h"
#include "daemon/probes.h"
#include "alerts/probe.h"

namespace driftd {

// Thread-safety: all methods may be called from any thread.
class Metrics : public PipelineProbe,
                public LifecycleProbe,
                public KafkaProbe,
                public CheckpointProbe,
                public EvaluationProbe,
                public alerts::AlertsProbe,
                public MonitoringProbe {
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

  // Kafka ingestion and checkpoints (driftd_kafka_*, driftd_checkpoint*).
  void CountKafkaMessages(std::string_view topic, std::uint64_t count) override;
  void CountKafkaRedelivered(std::uint64_t count) override;
  void SetKafkaConsumerLag(std::string_view topic, std::int32_t partition,
                           std::int64_t lag) override;
  void CheckpointWritten(Duration took, std::uint64_t bytes) override;
  void CheckpointFailed() override;
  void SetCheckpointAge(Duration age) override;

  // Drift evaluation (driftd_feature_drift_*, driftd_dataset_drift_share,
  // driftd_window_samples, driftd_evaluation_duration_seconds).
  void ModelEvaluated(const ModelDrift& drift) override;
  void RetainDriftModels(const std::vector<std::string>& models) override;
  void ObserveEvaluationDuration(double seconds) override;

  // Alerting (driftd_alerts_firing, driftd_alert_notifications_total,
  // driftd_alert_outbox_entries, driftd_alert_outbox_dropped_total).
  void SetFiring(const std::string& alertname, const std::string& model, int n) override;
  void CountNotification(const std::string& sink, const std::string& result,
                         std::size_t n) override;
  void SetOutboxEntries(std::size_t n) override;
  void CountDropped(const std::string& reason, std::size_t n) override;

  // ML Test Score monitoring (driftd_model_info, driftd_model_age_seconds,
  // driftd_invariant_violations_total, driftd_nonfinite_values_total,
  // driftd_prediction_latency_seconds, driftd_prediction_quality,
  // driftd_label_join_*, driftd_ml_test_score_monitor, driftd_ml_test_score).
  void PublishMonitoring(const detectors::MonitorSnapshot& snapshot) override;
  void RetainMonitoredModels(const std::vector<std::string>& models) override;

  // Prometheus text exposition format 0.0.4.
  std::string Serialize() const;

 private:
  struct Impl;
  struct IngestImpl;  // the Kafka and checkpoint families
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<IngestImpl> ingest_;
  struct DriftImpl;  // the drift evaluation families
  std::unique_ptr<DriftImpl> drift_;
  struct AlertsImpl;  // the alerting families
  std::unique_ptr<AlertsImpl> alerts_;
  struct MonitoringImpl;  // the ML Test Score monitoring families
  std::unique_ptr<MonitoringImpl> monitoring_;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_METRICS_H_
