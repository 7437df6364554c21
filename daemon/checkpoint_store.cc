#include "daemon/checkpoint_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace driftd {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "checkpoint-";
constexpr std::string_view kSuffix = ".snap";
constexpr std::string_view kTempSuffix = ".snap.tmp";
constexpr int kSequenceDigits = 20;

std::string ErrnoText(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// The sequence of "checkpoint-<digits><suffix>", or nullopt.
std::optional<std::uint64_t> ParseName(std::string_view name, std::string_view suffix) {
  if (name.size() != kPrefix.size() + kSequenceDigits + suffix.size() ||
      name.substr(0, kPrefix.size()) != kPrefix || name.substr(name.size() - suffix.size()) != suffix) {
    return std::nullopt;
  }
  std::uint64_t seq = 0;
  for (char c : name.substr(kPrefix.size(), kSequenceDigits)) {
    if (c < '0' || c > '9') return std::nullopt;
    seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return seq;
}

std::string NameOf(std::uint64_t sequence) {
  std::string digits = std::to_string(sequence);
  return std::string(kPrefix) + std::string(kSequenceDigits - digits.size(), '0') + digits +
         std::string(kSuffix);
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

CheckpointStore::CheckpointStore(std::string dir, std::uint32_t keep)
    : dir_(std::move(dir)), keep_(std::max<std::uint32_t>(1, keep)) {}

std::optional<std::string> CheckpointStore::Open() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return "cannot create state directory " + dir_ + ": " + ec.message();
  if (!fs::is_directory(dir_, ec)) return "state_dir " + dir_ + " is not a directory";
  for (const auto& tmp : Scan(kTempSuffix)) fs::remove(tmp.path, ec);
  std::uint64_t newest = 0;
  for (std::string_view suffix : {kSuffix, std::string_view(".snap.corrupt")}) {
    for (const auto& e : Scan(suffix)) newest = std::max(newest, e.sequence);
  }
  next_sequence_ = newest + 1;
  if (::access(dir_.c_str(), W_OK) != 0) return ErrnoText("cannot write to state directory", dir_);
  return std::nullopt;
}

std::vector<CheckpointStore::Entry> CheckpointStore::Scan(std::string_view suffix) const {
  std::vector<Entry> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (auto seq = ParseName(name, suffix)) out.push_back({*seq, it->path().string()});
  }
  std::sort(out.begin(), out.end(),
            [](const Entry& a, const Entry& b) { return a.sequence > b.sequence; });
  return out;
}

std::vector<std::string> CheckpointStore::List() const {
  std::vector<std::string> out;
  for (auto& e : Scan(kSuffix)) out.push_back(std::move(e.path));
  return out;
}

std::optional<std::string> CheckpointStore::Write(std::string_view bytes, std::string* path) {
  const std::string final_path = (fs::path(dir_) / NameOf(next_sequence_)).string();
  const std::string tmp_path = final_path + ".tmp";
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoText("cannot create", tmp_path);
  std::optional<std::string> error;
  if (!WriteAll(fd, bytes)) error = ErrnoText("cannot write", tmp_path);
  // The data must be on disk before the rename makes it visible.
  if (!error && ::fsync(fd) != 0) error = ErrnoText("cannot fsync", tmp_path);
  if (::close(fd) != 0 && !error) error = ErrnoText("cannot close", tmp_path);
  if (!error && ::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    error = ErrnoText("cannot rename", tmp_path);
  }
  if (error) {
    ::unlink(tmp_path.c_str());
    return error;
  }
  // The rename is durable only once the directory entry is.
  const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return ErrnoText("cannot open", dir_);
  const bool synced = ::fsync(dir_fd) == 0;
  ::close(dir_fd);
  if (!synced) return ErrnoText("cannot fsync", dir_);
  ++next_sequence_;
  *path = final_path;
  Prune();
  return std::nullopt;
}

void CheckpointStore::Prune() {
  const auto entries = Scan(kSuffix);
  std::error_code ec;
  for (std::size_t i = keep_; i < entries.size(); ++i) fs::remove(entries[i].path, ec);
}

std::optional<std::string> CheckpointStore::Read(const std::string& path, std::string* bytes) const {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoText("cannot open", path);
  bytes->clear();
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string error = ErrnoText("cannot read", path);
      ::close(fd);
      return error;
    }
    if (n == 0) break;
    bytes->append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return std::nullopt;
}

void CheckpointStore::Quarantine(const std::string& path) {
  std::error_code ec;
  fs::rename(path, path + ".corrupt", ec);
}

}  // namespace driftd
