// The small interfaces through which daemon components report what they do.
// daemon/metrics.h implements them over the Prometheus registry, so nothing
// else in the daemon includes Prometheus headers; tests pass fakes.
#ifndef DRIFTD_DAEMON_PROBES_H_
#define DRIFTD_DAEMON_PROBES_H_

#include <cstdint>
#include <string>
#include <string_view>

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

// Kafka consumer metrics (collectors::KafkaSource reports through an adapter
// in daemon/sources.cc). Thread-safety: all methods may be called from any thread.
class KafkaProbe {
 public:
  virtual ~KafkaProbe() = default;
  // driftd_kafka_messages_total{topic} += count.
  virtual void CountKafkaMessages(std::string_view topic, std::uint64_t count) = 0;
  // driftd_kafka_redelivered_messages_total += count: messages below the
  // checkpointed position of their partition, skipped.
  virtual void CountKafkaRedelivered(std::uint64_t count) = 0;
  // driftd_kafka_consumer_lag{topic,partition} = lag.
  virtual void SetKafkaConsumerLag(std::string_view topic, std::int32_t partition,
                                   std::int64_t lag) = 0;
};

// Checkpoint metrics (daemon/checkpointer.h). Thread-safety: all methods may
// be called from any thread.
class CheckpointProbe {
 public:
  virtual ~CheckpointProbe() = default;
  // driftd_checkpoint_duration_seconds observes took (serialize, write,
  // fsync, rename), driftd_checkpoint_size_bytes = bytes and
  // driftd_checkpoints_total{result="success"} += 1.
  virtual void CheckpointWritten(Duration took, std::uint64_t bytes) = 0;
  // driftd_checkpoints_total{result="failure"} += 1.
  virtual void CheckpointFailed() = 0;
  // driftd_checkpoint_age_seconds = age of the newest durable snapshot.
  virtual void SetCheckpointAge(Duration age) = 0;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_PROBES_H_
