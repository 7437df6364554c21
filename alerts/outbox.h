// The durable outbox: every notification for every sink is written to disk
// before delivery and removed only when that sink acknowledged it, so an
// outage of a sink or a restart (even kill -9) of driftd loses nothing.
//
// Layout: one file per (sink, notification) in `dir`, named by a sequence
// number (00000000000000000042.json), holding
//   {"v":1,"sink":"<sink name>","notification":{...EncodeNotification...}}
// Each file is written to a temporary name, fsync'd, renamed into place and
// the directory fsync'd: a file either exists complete or not at all.
// Delivery is at least once: a crash between the sink's acknowledgement and
// the removal re-delivers the entry, which Alertmanager and webhook
// receivers treat as a repeat of the same state.
//
// Bounded: beyond max_entries the oldest entries are dropped and returned
// to the caller to count and log. A newer notification for the same alert
// and sink supersedes older queued re-sends (they say the same thing, with
// an older endsAt); superseding is not a loss and is not counted.
#ifndef DRIFTD_ALERTS_OUTBOX_H_
#define DRIFTD_ALERTS_OUTBOX_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "alerts/alert.h"

namespace driftd::alerts {

struct OutboxEntry {
  std::uint64_t seq = 0;  // delivery order, increasing across restarts
  std::string sink;
  Notification notification;
};

// What Open found on disk besides good entries.
struct OutboxRecovery {
  std::vector<std::string> corrupt;  // "file: reason" of entries removed as unreadable
  std::size_t partial = 0;           // temporary files of unfinished appends, removed
  std::vector<OutboxEntry> dropped;  // over max_entries after loading, oldest first
};

struct AppendResult {
  bool durable = true;              // false: written to memory only (error says why)
  std::string error;
  std::vector<OutboxEntry> dropped;  // evicted by the bound, oldest first
};

// Thread-safety: all methods may be called from any thread.
class Outbox {
 public:
  // Opens `dir` (created if missing) and loads the entries it holds.
  // Returns null with *error set when the directory cannot be used.
  // REQUIRES: max_entries > 0.
  static std::unique_ptr<Outbox> Open(const std::string& dir, std::size_t max_entries,
                                      OutboxRecovery* recovery, std::string* error);

  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Queues `notification` for `sink`.
  [[nodiscard]] AppendResult Append(const std::string& sink, const Notification& notification);

  // The oldest `max` entries of `sink`, in order; copies.
  std::vector<OutboxEntry> Peek(const std::string& sink, std::size_t max) const;

  // Acknowledged (or given up): forgets the entries. Unknown seqs are ignored.
  void Remove(const std::vector<std::uint64_t>& seqs);

  // Removes every entry of a sink that no longer exists; returns them.
  std::vector<OutboxEntry> RemoveSinksExcept(const std::vector<std::string>& sinks);

  // Changes the bound; returns entries dropped to meet it, oldest first.
  std::vector<OutboxEntry> SetMaxEntries(std::size_t max_entries);

  std::size_t size() const;
  std::size_t size(const std::string& sink) const;

 private:
  Outbox(std::string dir, std::size_t max_entries);
  std::string PathOf(std::uint64_t seq) const;
  void EraseLocked(std::uint64_t seq);
  std::vector<OutboxEntry> EnforceBoundLocked();

  const std::string dir_;
  mutable std::mutex mu_;
  std::size_t max_entries_;                      // guarded by mu_
  std::map<std::uint64_t, OutboxEntry> entries_;  // guarded by mu_; by seq
  std::uint64_t next_seq_ = 1;                    // guarded by mu_
};

}  // namespace driftd::alerts

#endif  // DRIFTD_ALERTS_OUTBOX_H_
