#include "daemon/log.h"

#include <ctime>

#include "alerts/logfmt.h"

namespace driftd {

std::string FormatTimestamp(Timestamp t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto millis = duration_cast<milliseconds>(t - secs).count();
  std::time_t tt = secs.time_since_epoch().count();
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

namespace {

const char* LevelName(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::kDebug: return "debug";
    case config::LogLevel::kInfo: return "info";
    case config::LogLevel::kWarn: return "warn";
    case config::LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

Logger::Logger(const Clock& clock, std::FILE* out, config::LogLevel level)
    : clock_(clock), out_(out), level_(level) {}

void Logger::Log(config::LogLevel level, std::string_view msg,
                 std::initializer_list<LogField> fields) {
  if (!Enabled(level)) return;
  std::string line;
  line.reserve(128);
  alerts::AppendLogfmt(&line, "ts", FormatTimestamp(clock_.Now()));
  alerts::AppendLogfmt(&line, "level", LevelName(level));
  alerts::AppendLogfmt(&line, "msg", msg);
  for (const auto& [key, value] : fields) alerts::AppendLogfmt(&line, key, value);
  line.push_back('\n');
  std::lock_guard lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace driftd
