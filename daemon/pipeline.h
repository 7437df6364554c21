// Routes decoded events to their model's state. Today that state is the
// model's event counters and identity; the detectors' windows join it later.
#ifndef DRIFTD_DAEMON_PIPELINE_H_
#define DRIFTD_DAEMON_PIPELINE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "collectors/decoder.h"
#include "collectors/source.h"
#include "config/config.h"
#include "daemon/log.h"
#include "daemon/probes.h"
#include "detectors/event.h"

namespace driftd {

struct ModelStatus {
  std::string name;
  std::string version;  // from the newest model or prediction event; empty if none yet
  std::array<std::uint64_t, kEventKindCount> events{};  // indexed by EventKind
  std::optional<Timestamp> last_event;                  // newest event time seen
};

// What /api/v1/status shows of the pipeline: an immutable snapshot.
struct PipelineStatus {
  Timestamp taken_at{};
  std::uint64_t messages = 0;  // every message handled, accepted or not
  std::array<std::uint64_t, collectors::kRejectReasonCount> rejected{};  // by RejectReason
  std::vector<ModelStatus> models;  // in config order
};

// Thread-safety: Handle(), Reconfigure() and Publish() belong to the ingest
// thread; Status() may be called from any thread.
class Pipeline : public collectors::MessageHandler {
 public:
  // probe, clock and log must outlive the pipeline.
  Pipeline(std::shared_ptr<const config::Config> config, PipelineProbe& probe, const Clock& clock,
           Logger& log);

  void Handle(const collectors::SourceMessage& message) override;

  // Switches to a new config. Models present in both keep their state.
  void Reconfigure(std::shared_ptr<const config::Config> config);

  // Makes the current state visible to Status().
  void Publish();
  std::shared_ptr<const PipelineStatus> Status() const;

 private:
  struct ModelState {
    ModelStatus status;
    ModelProbe* probe;
  };
  void BuildModels(const std::vector<ModelState>& previous);
  ModelState* FindModel(const std::string& name);
  void NoteRejected(const collectors::DecodeError& error, const collectors::SourceMessage& message);

  std::shared_ptr<const config::Config> config_;
  std::unique_ptr<collectors::Decoder> decoder_;
  PipelineProbe& probe_;
  const Clock& clock_;
  Logger& log_;
  std::vector<ModelState> models_;  // in config order
  Event event_;                     // reused across messages
  std::uint64_t messages_ = 0;
  std::array<std::uint64_t, collectors::kRejectReasonCount> rejected_{};
  Timestamp last_reject_log_{};

  mutable std::mutex status_mu_;
  std::shared_ptr<const PipelineStatus> status_;  // guarded by status_mu_
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_PIPELINE_H_
