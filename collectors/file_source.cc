#include "collectors/file_source.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace driftd::collectors {
namespace {

constexpr std::size_t kMinBufferBytes = 1 << 20;
constexpr std::size_t kMaxLineLimit = std::size_t{1} << 30;
constexpr std::size_t kOversizePrefixBytes = 4096;

std::string ErrnoText(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

std::unique_ptr<FileSource> FileSource::Open(const config::SourceConfig& config,
                                             std::size_t max_line_bytes, std::string* error) {
  if (max_line_bytes == 0 || max_line_bytes > kMaxLineLimit) {
    *error = "file source: max line size " + std::to_string(max_line_bytes) +
             " is not between 1 byte and 1 GiB";
    return nullptr;
  }
  int fd = STDIN_FILENO;
  if (config.path != "-") {
    fd = ::open(config.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *error = ErrnoText("cannot open", config.path);
      return nullptr;
    }
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    *error = S_ISDIR(st.st_mode) ? "cannot read " + config.path + ": is a directory"
                                 : ErrnoText("cannot stat", config.path);
    if (fd != STDIN_FILENO) ::close(fd);
    return nullptr;
  }
  std::unique_ptr<FileSource> source(new FileSource(config, max_line_bytes, fd));
  source->regular_file_ = S_ISREG(st.st_mode);
  return source;
}

FileSource::FileSource(const config::SourceConfig& config, std::size_t max_line_bytes, int fd)
    : path_(config.path),
      follow_(config.follow),
      is_stdin_(config.path == "-"),
      poll_interval_(std::max(config.poll_interval, Duration(std::chrono::milliseconds(1)))),
      max_line_bytes_(max_line_bytes),
      description_(is_stdin_ ? std::string("file source: standard input")
                             : "file source: " + config.path + (follow_ ? " (follow)" : "")),
      fd_(fd),
      connected_(true),
      // Room for a longest line plus "\r\n", so a line that fits is never split.
      buffer_(std::max(kMinBufferBytes, max_line_bytes + 2)) {}

FileSource::~FileSource() {
  if (fd_ >= 0 && !is_stdin_) ::close(fd_);
}

bool FileSource::Connected() const { return connected_.load(); }
std::string FileSource::Describe() const { return description_; }

std::uint64_t FileSource::position() const {
  return skipping_ ? skip_start_ : base_offset_ + begin_;
}

void FileSource::ResetBuffer(std::uint64_t offset) {
  begin_ = end_ = 0;
  base_offset_ = offset;
  skipping_ = false;
  skip_prefix_.clear();
  rotation_pending_ = false;
  exhausted_ = false;
}

bool FileSource::SeekTo(std::uint64_t byte_offset, std::string* error) {
  if (is_stdin_ || !regular_file_) {
    *error = "cannot seek in " + path_ + ": not a regular file";
    return false;
  }
  if (::lseek(fd_, static_cast<off_t>(byte_offset), SEEK_SET) < 0) {
    *error = ErrnoText("cannot seek in", path_);
    return false;
  }
  ResetBuffer(byte_offset);
  connected_.store(true);
  return true;
}

void FileSource::Deliver(MessageHandler& handler, const char* data, std::size_t length,
                         std::size_t full_size, std::uint64_t offset) {
  SourceMessage message;
  message.payload = std::string_view(data, length);
  message.size = full_size;
  message.offset = static_cast<std::int64_t>(offset);
  // A line inside the read buffer is followed by the rest of the buffer:
  // the decoder may parse it in place. (A kept oversize prefix is not.)
  const char* buffer_end = buffer_.data() + buffer_.size();
  if (data >= buffer_.data() && data + length <= buffer_end) {
    message.padding = static_cast<std::size_t>(buffer_end - (data + length));
  }
  handler.Handle(message);
}

// Returns whether a message was delivered (false for an empty line).
bool FileSource::DeliverLine(MessageHandler& handler, const char* data, std::size_t length,
                             std::uint64_t offset) {
  if (length > 0 && data[length - 1] == '\r') --length;
  if (length == 0) {
    skipped_blank_lines_.fetch_add(1);
    return false;
  }
  if (length > max_line_bytes_) {
    oversize_lines_.fetch_add(1);
    Deliver(handler, data, std::min(max_line_bytes_, kOversizePrefixBytes), length, offset);
  } else {
    Deliver(handler, data, length, length, offset);
  }
  return true;
}

void FileSource::FinishOversize(MessageHandler& handler, bool ends_with_cr) {
  const std::size_t size = skip_length_ - (ends_with_cr ? 1 : 0);
  const std::size_t kept = std::min(skip_prefix_.size(), size);
  skipping_ = false;
  oversize_lines_.fetch_add(1);
  Deliver(handler, skip_prefix_.data(), kept, size, skip_start_);
}

FileSource::Fill FileSource::ReadMore(std::chrono::steady_clock::time_point deadline,
                                      std::string* error) {
  if (begin_ > 0) {
    // Keep the partial line at the front; everything before it is delivered.
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    base_offset_ += begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  if (!regular_file_) {
    // Pipes and terminals block in read(): wait for data within the timeout.
    const auto now = std::chrono::steady_clock::now();
    std::int64_t wait_ms = 0;
    if (deadline > now) {
      wait_ms = std::min<std::int64_t>(
          std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count(), 1 << 30);
    }
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(wait_ms));
    if (ready == 0 || (ready < 0 && errno == EINTR)) return Fill::kNoData;
    if (ready < 0) {
      *error = ErrnoText("cannot wait for", path_);
      return Fill::kError;
    }
  }
  while (true) {
    const ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n > 0) {
      end_ += static_cast<std::size_t>(n);
      return Fill::kData;
    }
    if (n == 0) return Fill::kEndOfFile;
    if (errno != EINTR) {
      *error = ErrnoText("cannot read", path_);
      return Fill::kError;
    }
  }
}

FileSource::Change FileSource::CheckRotation() {
  struct stat at_path {};
  struct stat open_file {};
  // A missing path is a rotation in progress: keep reading the old file.
  if (::stat(path_.c_str(), &at_path) != 0 || ::fstat(fd_, &open_file) != 0) {
    return Change::kNone;
  }
  if (at_path.st_ino != open_file.st_ino || at_path.st_dev != open_file.st_dev) {
    return Change::kRotated;
  }
  if (static_cast<std::uint64_t>(open_file.st_size) < base_offset_ + end_) {
    return Change::kTruncated;
  }
  return Change::kNone;
}

bool FileSource::Reopen(Change change) {
  if (change == Change::kRotated) {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;  // replaced again or unreadable: retry next time
    ::close(fd_);
    fd_ = fd;
  } else if (::lseek(fd_, 0, SEEK_SET) < 0) {
    return false;
  }
  ResetBuffer(0);
  reopens_.fetch_add(1);
  return true;
}

PollResult FileSource::Poll(MessageHandler& handler, std::size_t max_messages,
                            Duration timeout) {
  PollResult result;
  if (exhausted_) {
    result.status = PollStatus::kEnd;
    return result;
  }
  // Clamped so that now + timeout cannot overflow (Duration::max() means "long").
  const auto deadline =
      std::chrono::steady_clock::now() + std::min<Duration>(timeout, std::chrono::hours(24));
  std::string error;
  while (result.delivered < max_messages) {
    const char* start = buffer_.data() + begin_;
    const std::size_t available = end_ - begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', available));
    if (skipping_) {
      if (newline != nullptr) {
        const auto length = static_cast<std::size_t>(newline - start);
        const bool cr = length > 0 ? newline[-1] == '\r' : skip_last_cr_;
        skip_length_ += length;
        begin_ += length + 1;
        FinishOversize(handler, cr);
        ++result.delivered;
        continue;
      }
      if (available > 0) {
        skip_length_ += available;
        skip_last_cr_ = start[available - 1] == '\r';
        begin_ = end_;
      }
    } else if (newline != nullptr) {
      const std::uint64_t offset = base_offset_ + begin_;
      const auto length = static_cast<std::size_t>(newline - start);
      begin_ += length + 1;
      if (DeliverLine(handler, start, length, offset)) ++result.delivered;
      continue;
    } else if (available > max_line_bytes_ + 1) {
      // Too long even without a trailing '\r': keep a prefix, drop the rest.
      skipping_ = true;
      skip_start_ = base_offset_ + begin_;
      skip_prefix_.assign(start, std::min({available, max_line_bytes_, kOversizePrefixBytes}));
      skip_length_ = available;
      skip_last_cr_ = start[available - 1] == '\r';
      begin_ = end_;
    }

    // Once something was delivered, a pipe is read only if data is ready.
    const auto wait_until =
        result.delivered > 0 ? std::chrono::steady_clock::time_point::min() : deadline;
    switch (ReadMore(wait_until, &error)) {
      case Fill::kData:
        continue;
      case Fill::kNoData:
        return result;
      case Fill::kError:
        connected_.store(false);
        result.status = PollStatus::kFatal;
        result.error = error;
        return result;
      case Fill::kEndOfFile:
        break;
    }

    if (!follow_ || is_stdin_ || !regular_file_) {
      // The last line may lack its '\n'.
      if (skipping_) {
        FinishOversize(handler, skip_last_cr_);
        ++result.delivered;
      } else if (end_ > begin_) {
        const std::uint64_t offset = base_offset_ + begin_;
        const char* data = buffer_.data() + begin_;
        const std::size_t length = end_ - begin_;
        begin_ = end_;
        if (DeliverLine(handler, data, length, offset)) ++result.delivered;
      }
      exhausted_ = true;
      connected_.store(false);
      result.status = PollStatus::kEnd;
      return result;
    }

    const Change change = CheckRotation();
    if (change == Change::kRotated && !rotation_pending_) {
      // Lines may have been appended between our end of file and the
      // rename: read the old file to its end once more before switching.
      rotation_pending_ = true;
      continue;
    }
    if (change == Change::kRotated && !skipping_ && end_ > begin_) {
      // The old file is complete, so its unterminated last line is too.
      const std::uint64_t offset = base_offset_ + begin_;
      const char* data = buffer_.data() + begin_;
      const std::size_t length = end_ - begin_;
      begin_ = end_;
      if (DeliverLine(handler, data, length, offset)) ++result.delivered;
    }
    if (change != Change::kNone && Reopen(change)) continue;

    if (result.delivered > 0) return result;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return result;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        poll_interval_, deadline - now));
  }
  return result;
}

}  // namespace driftd::collectors
