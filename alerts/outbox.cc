#include "alerts/outbox.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "alerts/encode.h"

namespace driftd::alerts {
namespace fs = std::filesystem;
namespace json = boost::json;
namespace {

constexpr std::string_view kTmpPrefix = ".tmp-";
constexpr std::string_view kSuffix = ".json";

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// Writes `data` to `path` durably: temp file, fsync, rename, fsync of the dir.
bool WriteDurably(const std::string& dir, const std::string& tmp, const std::string& path,
                  const std::string& data, std::string* error) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    *error = Errno("open " + tmp);
    return false;
  }
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = Errno("write " + tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    *error = Errno("fsync " + tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = Errno("rename " + tmp);
    ::unlink(tmp.c_str());
    return false;
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return true;
}

bool ParseEntry(const std::string& text, OutboxEntry* entry, std::string* error) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) {
    *error = "invalid JSON: " + ec.message();
    return false;
  }
  const json::object* o = v.if_object();
  const json::value* version = o ? o->if_contains("v") : nullptr;
  const json::value* sink = o ? o->if_contains("sink") : nullptr;
  const json::value* notification = o ? o->if_contains("notification") : nullptr;
  if (version == nullptr || !version->is_int64() || version->get_int64() != 1 || sink == nullptr ||
      !sink->is_string() || notification == nullptr) {
    *error = "not an outbox entry of version 1";
    return false;
  }
  auto n = DecodeNotification(json::serialize(*notification), error);
  if (!n) return false;
  entry->sink = std::string(sink->get_string());
  entry->notification = std::move(*n);
  return true;
}

}  // namespace

Outbox::Outbox(std::string dir, std::size_t max_entries)
    : dir_(std::move(dir)), max_entries_(max_entries) {}

std::string Outbox::PathOf(std::uint64_t seq) const {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(seq));
  return dir_ + "/" + name + std::string(kSuffix);
}

std::unique_ptr<Outbox> Outbox::Open(const std::string& dir, std::size_t max_entries,
                                     OutboxRecovery* recovery, std::string* error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create " + dir + ": " + ec.message();
    return nullptr;
  }
  std::unique_ptr<Outbox> box(new Outbox(dir, max_entries == 0 ? 1 : max_entries));
  fs::directory_iterator it(dir, ec);
  if (ec) {
    *error = "cannot read " + dir + ": " + ec.message();
    return nullptr;
  }
  for (const fs::directory_entry& file : it) {
    const std::string name = file.path().filename().string();
    if (name.starts_with(kTmpPrefix)) {
      // An append killed before its rename: that notification was never
      // acknowledged as queued, so removing it loses nothing queued.
      fs::remove(file.path(), ec);
      ++recovery->partial;
      continue;
    }
    if (!name.ends_with(kSuffix)) continue;
    const std::string stem = name.substr(0, name.size() - kSuffix.size());
    char* end = nullptr;
    const unsigned long long seq = std::strtoull(stem.c_str(), &end, 10);
    std::string why;
    OutboxEntry entry;
    if (stem.empty() || end == nullptr || *end != '\0' || seq == 0) {
      why = "not a sequence number";
    } else {
      std::ifstream in(file.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      if (ParseEntry(text.str(), &entry, &why)) {
        entry.seq = seq;
        box->next_seq_ = std::max<std::uint64_t>(box->next_seq_, seq + 1);
        box->entries_.emplace(seq, std::move(entry));
        continue;
      }
    }
    recovery->corrupt.push_back(name + ": " + why);
    fs::remove(file.path(), ec);
  }
  recovery->dropped = box->EnforceBoundLocked();
  return box;
}

void Outbox::EraseLocked(std::uint64_t seq) {
  if (entries_.erase(seq) == 0) return;
  // A failed unlink only means a repeat delivery after a restart.
  ::unlink(PathOf(seq).c_str());
}

std::vector<OutboxEntry> Outbox::EnforceBoundLocked() {
  std::vector<OutboxEntry> dropped;
  while (entries_.size() > max_entries_) {
    auto oldest = entries_.begin();
    dropped.push_back(oldest->second);
    EraseLocked(oldest->first);
  }
  return dropped;
}

AppendResult Outbox::Append(const std::string& sink, const Notification& notification) {
  AppendResult result;
  std::lock_guard lock(mu_);
  const std::uint64_t seq = next_seq_++;
  std::string data = "{\"v\":1,\"sink\":" + json::serialize(json::value(sink)) +
                     ",\"notification\":" + EncodeNotification(notification) + "}\n";
  char tmp_name[48];
  std::snprintf(tmp_name, sizeof tmp_name, "%.*s%llu", static_cast<int>(kTmpPrefix.size()),
                kTmpPrefix.data(), static_cast<unsigned long long>(seq));
  if (!WriteDurably(dir_, dir_ + "/" + tmp_name, PathOf(seq), data, &result.error)) {
    result.durable = false;  // still queued in memory: delivery goes on
  }
  // Older queued re-sends of this alert to this sink say nothing the new
  // notification does not.
  std::vector<std::uint64_t> superseded;
  for (const auto& [s, e] : entries_) {
    if (e.sink == sink && e.notification.fingerprint == notification.fingerprint &&
        e.notification.kind == NotificationKind::kResend) {
      superseded.push_back(s);
    }
  }
  for (std::uint64_t s : superseded) EraseLocked(s);
  entries_.emplace(seq, OutboxEntry{seq, sink, notification});
  result.dropped = EnforceBoundLocked();
  return result;
}

std::vector<OutboxEntry> Outbox::Peek(const std::string& sink, std::size_t max) const {
  std::lock_guard lock(mu_);
  std::vector<OutboxEntry> out;
  for (const auto& [seq, e] : entries_) {
    if (out.size() >= max) break;
    if (e.sink == sink) out.push_back(e);
  }
  return out;
}

void Outbox::Remove(const std::vector<std::uint64_t>& seqs) {
  std::lock_guard lock(mu_);
  for (std::uint64_t seq : seqs) EraseLocked(seq);
}

std::vector<OutboxEntry> Outbox::RemoveSinksExcept(const std::vector<std::string>& sinks) {
  std::lock_guard lock(mu_);
  std::vector<OutboxEntry> removed;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (std::find(sinks.begin(), sinks.end(), it->second.sink) != sinks.end()) {
      ++it;
      continue;
    }
    removed.push_back(it->second);
    const std::uint64_t seq = it->first;
    ++it;
    EraseLocked(seq);
  }
  return removed;
}

std::vector<OutboxEntry> Outbox::SetMaxEntries(std::size_t max_entries) {
  std::lock_guard lock(mu_);
  max_entries_ = max_entries == 0 ? 1 : max_entries;
  return EnforceBoundLocked();
}

std::size_t Outbox::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::size_t Outbox::size(const std::string& sink) const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [seq, e] : entries_) n += e.sink == sink ? 1 : 0;
  return n;
}

}  // namespace driftd::alerts
