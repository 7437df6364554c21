// Durable state: snapshots of the pipeline's state paired with the source
// positions they cover, and the restore at start-up.
//
// Exactly-once, with a source that delivers at least once:
//  1. A checkpoint runs on the ingest thread between messages, so the
//     pipeline's state and the source's positions (per partition, the next
//     offset to apply) describe the same instant.
//  2. The snapshot is made durable (daemon/checkpoint_store.h) before the
//     source commits exactly those positions: committed offsets are never
//     ahead of a durable checkpoint.
//  3. At start the newest good snapshot is restored into the pipeline and its
//     positions into the source, which resumes each partition there and
//     skips anything below (kafka_source.h). A snapshot that is truncated,
//     corrupt or unreadable is logged, renamed *.corrupt, and the previous
//     one is used; with none, the daemon starts empty.
#ifndef DRIFTD_DAEMON_CHECKPOINTER_H_
#define DRIFTD_DAEMON_CHECKPOINTER_H_

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/stream_position.h"
#include "config/config.h"
#include "daemon/checkpoint_store.h"
#include "daemon/log.h"
#include "daemon/pipeline.h"
#include "daemon/probes.h"

namespace driftd {

// The source as the checkpointer sees it. Called on the ingest thread (or
// once it ended, by the thread that owns the source).
class PositionedSource {
 public:
  virtual ~PositionedSource() = default;
  virtual collectors::StreamPositions Positions() const = 0;
  // Before the first poll: continue from these positions. An error is
  // logged; the source then starts where it would without a snapshot.
  [[nodiscard]] virtual std::optional<std::string> Restore(
      const collectors::StreamPositions& positions) = 0;
  // After a snapshot holding these positions is durable.
  [[nodiscard]] virtual std::optional<std::string> Commit(
      const collectors::StreamPositions& positions, bool synchronous) = 0;
};

enum class CommitMode {
  kNone,   // snapshot only (the source failed; its offsets stay as they were)
  kAsync,  // periodic: do not hold up ingestion for the broker's answer
  kSync,   // revoke and shutdown: the offsets must be committed before going on
};

// Thread-safety: Restore and Checkpoint run on the ingest thread (or after
// it ended); restored() and ReportAge() may be called from any thread.
class Checkpointer {
 public:
  // All references must outlive the checkpointer.
  Checkpointer(const config::DaemonConfig& config, PositionedSource& source,
               CheckpointProbe& probe, const Clock& clock, Logger& log);
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Prepares state_dir (creates it when missing). An error means no
  // checkpoint can be taken: the daemon refuses to start.
  [[nodiscard]] std::optional<std::string> Open();

  // Restores the newest good snapshot into pipeline and source. Returns
  // false only when no snapshot could be used although some exist (they
  // were all bad): the daemon then starts empty, as on a first start.
  bool Restore(Pipeline& pipeline);

  // Takes a snapshot of pipeline's state and the source's positions, makes
  // it durable, then commits the positions as mode says. A snapshot equal
  // to the newest one (nothing happened since) is not written again.
  // Returns false (logged, counted) when the snapshot could not be written.
  bool Checkpoint(const Pipeline& pipeline, CommitMode mode, std::string_view reason);

  // True once Restore() ran: state and positions are in place.
  bool restored() const { return restored_.load(); }
  // driftd_checkpoint_age_seconds as of now.
  void ReportAge(Timestamp now);

 private:
  PositionedSource& source_;
  CheckpointProbe& probe_;
  const Clock& clock_;
  Logger& log_;
  CheckpointStore store_;
  std::atomic<bool> restored_{false};
  // Nanoseconds since the epoch of the newest durable snapshot (or start-up).
  std::atomic<std::int64_t> covered_at_ns_{0};
  // The newest snapshot's positions and state, to skip identical ones.
  collectors::StreamPositions last_positions_;
  std::string last_state_;
  bool have_last_ = false;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_CHECKPOINTER_H_
