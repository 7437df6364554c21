// Routes decoded events to their model's state: the model's event counters,
// identity and drift windows (daemon/model_windows.h).
#ifndef DRIFTD_DAEMON_PIPELINE_H_
#define DRIFTD_DAEMON_PIPELINE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/decoder.h"
#include "collectors/source.h"
#include "config/config.h"
#include "daemon/log.h"
#include "daemon/model_windows.h"
#include "daemon/monitoring.h"
#include "daemon/probes.h"
#include "detectors/event.h"

namespace driftd {

struct ModelStatus {
  std::string name;
  std::string version;  // from the newest model or prediction event; empty if none yet
  std::array<std::uint64_t, kEventKindCount> events{};  // indexed by EventKind
  std::optional<Timestamp> last_event;                  // newest event time seen
  WindowStatus windows;
};

// What /api/v1/status shows of the pipeline: an immutable snapshot.
struct PipelineStatus {
  Timestamp taken_at{};
  std::uint64_t messages = 0;  // every message handled, accepted or not
  std::array<std::uint64_t, collectors::kRejectReasonCount> rejected{};  // by RejectReason
  std::vector<ModelStatus> models;  // in config order
};

// Every model's windows at one instant, in config order: models[i] belongs
// to config->models[i]. Immutable once made; safe to share across threads.
struct WindowsSnapshot {
  std::shared_ptr<const config::Config> config;
  Timestamp taken_at{};
  std::vector<ModelWindowSnapshot> models;
};

// Reads a model's baseline profile (reference type baseline). Called on the
// ingest thread at start and on every reconfigure; errors are values.
using BaselineLoader = std::function<BaselineReference(const config::ModelConfig& model)>;

// Thread-safety: Handle(), Reconfigure(), Publish() and SnapshotWindows()
// belong to the ingest thread; Status() may be called from any thread.
class Pipeline : public collectors::MessageHandler {
 public:
  // probe, clock and log must outlive the pipeline. An empty baseline_loader
  // means LoadBaseline (daemon/baseline.h).
  Pipeline(std::shared_ptr<const config::Config> config, PipelineProbe& probe, const Clock& clock,
           Logger& log, BaselineLoader baseline_loader = {});

  void Handle(const collectors::SourceMessage& message) override;

  // Switches to a new config. Models present in both keep their counters;
  // they keep their windows too when ModelWindows::SameWindowSettings holds,
  // else their windows start empty. Baselines are re-read.
  void Reconfigure(std::shared_ptr<const config::Config> config);

  // Merges every model's windows into an immutable snapshot for evaluation
  // on another thread. Cost: O(models x panes x summary size).
  std::shared_ptr<const WindowsSnapshot> SnapshotWindows() const;
  // One slice of an evaluation round: the merged windows of models first,
  // first + 1, ... (config order, each taken at `taken_at`) until their
  // summaries hold at least `budget_bytes` or the models end; at least one
  // model when first < models. Empty when `config` is no longer the
  // pipeline's config (a reload happened: the round is stale) or first is
  // past the last model. Evaluating a large deployment slice by slice holds
  // one slice of merged windows at a time instead of a copy of all of them.
  std::vector<ModelWindowSnapshot> SnapshotModels(const std::shared_ptr<const config::Config>& config,
                                                  std::size_t first, std::size_t budget_bytes,
                                                  Timestamp taken_at) const;
  const std::shared_ptr<const config::Config>& config() const { return config_; }

  // Checkpoint state (daemon/pipeline_state.cc): the counters and every
  // model's state, as bytes (daemon/checkpoint_codec.h). Deterministic: equal
  // state gives equal bytes, so snapshots can be compared byte for byte.
  void SerializeState(std::string* out) const;
  // Replaces the state with one SerializeState made (possibly under an
  // older config: models no longer configured are dropped, new ones start
  // empty), then publishes. On failure returns false with *error set and
  // leaves the pipeline unchanged.
  [[nodiscard]] bool RestoreState(std::string_view state, std::string* error);

  // Runs every model's ML Test Score monitors at the clock's now (on the
  // evaluation tick): one round per model, in config order.
  std::vector<MonitorRound> EvaluateMonitors();

  // Makes the current state visible to Status().
  void Publish();
  std::shared_ptr<const PipelineStatus> Status() const;

 private:
  struct ModelState {
    ModelStatus status;
    ModelProbe* probe;
    const config::ModelConfig* config;  // into config_
    std::unique_ptr<ModelWindows> windows;
    std::string deployed_version;  // of the last model event
    std::unique_ptr<detectors::ModelMonitors> monitors;  // ML Test Score items M1..M7
  };
  // REQUIRES: the config `previous` points into is still alive.
  void BuildModels(std::vector<ModelState> previous);
  BaselineReference LoadBaselineOf(const config::ModelConfig& model);
  ModelState* FindModel(const std::string& name);
  void NoteRejected(const collectors::DecodeError& error, const collectors::SourceMessage& message);

  std::shared_ptr<const config::Config> config_;
  std::unique_ptr<collectors::Decoder> decoder_;
  PipelineProbe& probe_;
  const Clock& clock_;
  Logger& log_;
  BaselineLoader baseline_loader_;
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
