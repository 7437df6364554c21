// The daemon's log: one logfmt line per event on a stream (stderr in
// production), e.g.
//   ts=2026-11-27T01:02:03.456Z level=info msg="http listening" addr=127.0.0.1:7461
#ifndef DRIFTD_DAEMON_LOG_H_
#define DRIFTD_DAEMON_LOG_H_

#include <atomic>
#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "config/config.h"
#include "detectors/time.h"

namespace driftd {

using LogField = std::pair<std::string_view, std::string_view>;

// Thread-safety: all methods may be called from any thread; lines from
// different threads never interleave.
class Logger {
 public:
  // The clock and the stream must outlive the logger.
  Logger(const Clock& clock, std::FILE* out, config::LogLevel level);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void SetLevel(config::LogLevel level) { level_.store(level); }
  bool Enabled(config::LogLevel level) const { return level >= level_.load(); }

  void Log(config::LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});
  void Debug(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    Log(config::LogLevel::kDebug, msg, fields);
  }
  void Info(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    Log(config::LogLevel::kInfo, msg, fields);
  }
  void Warn(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    Log(config::LogLevel::kWarn, msg, fields);
  }
  void Error(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    Log(config::LogLevel::kError, msg, fields);
  }

 private:
  const Clock& clock_;
  std::FILE* const out_;
  std::atomic<config::LogLevel> level_;
  std::mutex mu_;  // serializes writes to out_
};

// RFC 3339 UTC with milliseconds: 2026-11-27T01:02:03.456Z.
std::string FormatTimestamp(Timestamp t);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_LOG_H_
