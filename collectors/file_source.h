// A Source reading JSON Lines from a file or standard input, optionally
// following the file as it grows (tail -f), with rotation and truncation
// detection and byte-offset positions for checkpoints.
#ifndef DRIFTD_COLLECTORS_FILE_SOURCE_H_
#define DRIFTD_COLLECTORS_FILE_SOURCE_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "collectors/source.h"
#include "config/config.h"

namespace driftd::collectors {

// Lines and messages:
//  - Lines end at '\n'; one trailing '\r' is stripped (CRLF files). Without
//    follow, a last line without '\n' is delivered at end of file; with
//    follow it waits for its '\n' (the writer may be mid-line).
//  - Empty lines ("" or "\r") are not delivered; they are counted by
//    skipped_blank_lines(). Lines of only spaces or tabs ARE delivered (the
//    decoder rejects them as "empty"), so no content is dropped silently.
//  - SourceMessage: payload = the line, size = its length, offset = byte
//    offset of the line's first byte, topic "", partition -1, no timestamp.
//  - A line longer than max_line_bytes is not buffered: the source keeps its
//    first min(max_line_bytes, 4 KiB) bytes, discards the rest as it reads,
//    and delivers the prefix with size = the full length, so the decoder
//    rejects it as too_large. Counted by oversize_lines().
//
// Follow mode (SourceConfig.follow, regular files only): at end of file,
// Poll() re-reads every poll_interval until a line arrives or its timeout
// passes, then returns kOk with what it delivered. Each time it finds the
// end of the file it checks the path: if it names a different file (rotation:
// new inode) or the file is shorter than what was read (truncation), the
// source reopens the path and reads it from its start; reopens() counts this.
// Standard input ("-") never follows: end of input is the end.
// Limits: a file truncated and refilled past the read position between two
// checks (copytruncate racing a fast writer) is not detected; after a
// truncation the unterminated tail read before it is dropped.
//
// Thread-safety: Poll, SeekTo and position are called from the ingest thread
// only. Connected, Describe and the counters may be called from any thread.
class FileSource : public Source {
 public:
  // Opens config.path ("-": standard input). Returns nullptr and sets *error
  // when the file cannot be opened or max_line_bytes is not in [1, 1 GiB].
  static std::unique_ptr<FileSource> Open(const config::SourceConfig& config,
                                          std::size_t max_line_bytes, std::string* error);

  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  // Delivers up to max_messages lines. Returns kEnd once the input is
  // exhausted (not following; lines delivered in the same call count), kFatal
  // on a read error, else kOk. Sleeps only in follow mode at end of file.
  [[nodiscard]] PollResult Poll(MessageHandler& handler, std::size_t max_messages,
                                Duration timeout) override;
  bool Connected() const override;
  std::string Describe() const override;

  // Continues reading at byte_offset, which must be the start of a line (a
  // position() saved earlier). Fails for standard input and unseekable files.
  [[nodiscard]] bool SeekTo(std::uint64_t byte_offset, std::string* error);
  // Byte offset of the first line not yet delivered (or skipped).
  std::uint64_t position() const;

  std::uint64_t skipped_blank_lines() const { return skipped_blank_lines_.load(); }
  std::uint64_t oversize_lines() const { return oversize_lines_.load(); }
  std::uint64_t reopens() const { return reopens_.load(); }

 private:
  FileSource(const config::SourceConfig& config, std::size_t max_line_bytes, int fd);

  enum class Fill { kData, kNoData, kEndOfFile, kError };
  enum class Change { kNone, kRotated, kTruncated };
  // Moves the partial line to the front and reads once into the buffer
  // (waiting until deadline for pipes, which would block).
  Fill ReadMore(std::chrono::steady_clock::time_point deadline, std::string* error);
  // Follow mode at end of file: has the path been replaced or truncated?
  Change CheckRotation();
  // Reads the path from its start again; false (retry later) when it fails.
  bool Reopen(Change change);
  void ResetBuffer(std::uint64_t offset);
  void Deliver(MessageHandler& handler, const char* data, std::size_t length,
               std::size_t full_size, std::uint64_t offset);
  // Strips '\r', skips empty lines, cuts oversize ones. True when delivered.
  bool DeliverLine(MessageHandler& handler, const char* data, std::size_t length,
                   std::uint64_t offset);
  // Delivers the oversize line being skipped, now that its end is known.
  void FinishOversize(MessageHandler& handler, bool ends_with_cr);

  const std::string path_;
  const bool follow_;
  const bool is_stdin_;
  const Duration poll_interval_;
  const std::size_t max_line_bytes_;
  const std::string description_;
  int fd_ = -1;
  std::atomic<bool> connected_{false};
  bool regular_file_ = false;
  bool exhausted_ = false;
  bool rotation_pending_ = false;  // rotation seen; old file being drained

  // buffer_[begin_, end_) holds read but undelivered bytes; buffer_[0] is at
  // file offset base_offset_.
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::uint64_t base_offset_ = 0;

  // An oversize line being skipped: where it started, bytes seen so far, its
  // kept prefix, and whether the last byte seen was '\r'.
  bool skipping_ = false;
  std::uint64_t skip_start_ = 0;
  std::size_t skip_length_ = 0;
  std::string skip_prefix_;
  bool skip_last_cr_ = false;

  std::atomic<std::uint64_t> skipped_blank_lines_{0};
  std::atomic<std::uint64_t> oversize_lines_{0};
  std::atomic<std::uint64_t> reopens_{0};
};

}  // namespace driftd::collectors

#endif  // DRIFTD_COLLECTORS_FILE_SOURCE_H_
