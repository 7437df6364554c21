#include "daemon/checkpointer.h"

#include "daemon/checkpoint_format.h"

namespace driftd {

Checkpointer::Checkpointer(const config::DaemonConfig& config, PositionedSource& source,
                           CheckpointProbe& probe, const Clock& clock, Logger& log)
    : source_(source),
      probe_(probe),
      clock_(clock),
      log_(log),
      store_(config.state_dir, config.checkpoints_kept) {
  covered_at_ns_ = clock_.Now().time_since_epoch().count();
}

std::optional<std::string> Checkpointer::Open() { return store_.Open(); }

bool Checkpointer::Restore(Pipeline& pipeline) {
  const auto paths = store_.List();
  for (const auto& path : paths) {
    std::string bytes;
    Snapshot snapshot;
    std::optional<std::string> error = store_.Read(path, &bytes);
    if (!error) error = DecodeSnapshot(bytes, &snapshot);
    std::string restore_error;
    if (!error && !pipeline.RestoreState(snapshot.state, &restore_error)) {
      error = "state not restorable: " + restore_error;
    }
    if (error) {
      // Never fatal: the previous snapshot is older but good.
      log_.Error("bad checkpoint snapshot; falling back to the previous one",
                 {{"path", path}, {"error", *error}});
      store_.Quarantine(path);
      continue;
    }
    if (auto source_error = source_.Restore(snapshot.positions)) {
      log_.Warn("source positions not restored; the source starts afresh",
                {{"path", path}, {"error", *source_error}});
    }
    covered_at_ns_ = snapshot.taken_at.time_since_epoch().count();
    last_positions_ = std::move(snapshot.positions);
    last_state_ = std::move(snapshot.state);
    have_last_ = true;
    log_.Info("state restored", {{"path", path},
                                 {"taken_at", FormatTimestamp(snapshot.taken_at)},
                                 {"positions", std::to_string(last_positions_.size())},
                                 {"bytes", std::to_string(bytes.size())}});
    restored_ = true;
    return true;
  }
  if (paths.empty()) log_.Info("no checkpoint found; starting with empty state");
  restored_ = true;
  return paths.empty();
}

bool Checkpointer::Checkpoint(const Pipeline& pipeline, CommitMode mode, std::string_view reason) {
  const Timestamp start = clock_.Now();
  Snapshot snapshot;
  snapshot.taken_at = start;
  snapshot.positions = source_.Positions();
  pipeline.SerializeState(&snapshot.state);
  if (have_last_ && snapshot.positions == last_positions_ && snapshot.state == last_state_) {
    // The newest snapshot already covers this state.
    covered_at_ns_ = start.time_since_epoch().count();
  } else {
    const std::string bytes = EncodeSnapshot(snapshot);
    std::string path;
    if (auto error = store_.Write(bytes, &path)) {
      probe_.CheckpointFailed();
      log_.Error("checkpoint failed", {{"reason", reason}, {"error", *error}});
      return false;
    }
    const Timestamp end = clock_.Now();
    probe_.CheckpointWritten(end - start, bytes.size());
    covered_at_ns_ = start.time_since_epoch().count();
    log_.Debug("checkpoint written", {{"reason", reason},
                                      {"path", path},
                                      {"bytes", std::to_string(bytes.size())},
                                      {"seconds", std::to_string(ToSeconds(end - start))}});
    last_positions_ = std::move(snapshot.positions);
    last_state_ = std::move(snapshot.state);
    have_last_ = true;
  }
  if (mode != CommitMode::kNone) {
    if (auto error = source_.Commit(last_positions_, mode == CommitMode::kSync)) {
      // The snapshot is durable: a failed commit only means more redelivery
      // (skipped) after a restart.
      log_.Warn("offset commit failed", {{"reason", reason}, {"error", *error}});
    }
  }
  return true;
}

void Checkpointer::ReportAge(Timestamp now) {
  probe_.SetCheckpointAge(now - Timestamp(Duration(covered_at_ns_.load())));
}

}  // namespace driftd
