// Snapshot files in the state directory, written atomically.
//
// Files are named checkpoint-<sequence, 20 digits>.snap; a larger sequence is
// newer. Write() puts the bytes in checkpoint-<seq>.snap.tmp, fsyncs it,
// renames it into place and fsyncs the directory, so that after a crash at
// any moment the directory holds either the old set of snapshots or the old
// set plus the complete new one. It then removes all but the `keep` newest
// snapshots. Leftover .tmp files (a crash mid-write) are removed by Open().
// A snapshot found bad when loading is renamed to <name>.corrupt: kept for
// inspection, never loaded again.
#ifndef DRIFTD_DAEMON_CHECKPOINT_STORE_H_
#define DRIFTD_DAEMON_CHECKPOINT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace driftd {

// Thread-safety: none; the checkpointer serializes all calls.
class CheckpointStore {
 public:
  // REQUIRES: keep >= 1.
  CheckpointStore(std::string dir, std::uint32_t keep);
  CheckpointStore(const CheckpointStore&) = delete;
  CheckpointStore& operator=(const CheckpointStore&) = delete;

  // Creates the directory (and its parents) when missing, removes leftover
  // temporary files and finds the newest sequence. Returns an error message
  // when the directory cannot be created or read.
  [[nodiscard]] std::optional<std::string> Open();

  // Writes bytes as the next snapshot; *path gets its file name. Returns an
  // error message (and leaves no temporary file) when any step fails.
  [[nodiscard]] std::optional<std::string> Write(std::string_view bytes, std::string* path);

  // Paths of the snapshot files, newest first.
  std::vector<std::string> List() const;
  [[nodiscard]] std::optional<std::string> Read(const std::string& path, std::string* bytes) const;
  // Renames a bad snapshot to <path>.corrupt.
  void Quarantine(const std::string& path);

  const std::string& dir() const { return dir_; }

 private:
  struct Entry {
    std::uint64_t sequence;
    std::string path;
  };
  std::vector<Entry> Scan(std::string_view suffix) const;
  void Prune();

  const std::string dir_;
  const std::uint32_t keep_;
  std::uint64_t next_sequence_ = 1;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_CHECKPOINT_STORE_H_
