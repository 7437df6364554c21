#include "daemon/log.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "fake_clock.h"

namespace driftd {
namespace {

// Captures what the logger writes through a memory stream.
class Captured {
 public:
  Captured() : file_(open_memstream(&buf_, &size_)) {}
  ~Captured() {
    std::fclose(file_);
    std::free(buf_);
  }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buf_, size_);
  }

 private:
  char* buf_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
};

TEST(LoggerTest, WritesOneLogfmtLinePerEvent) {
  testing::FakeClock clock(Timestamp(std::chrono::milliseconds(1'795'741'323'456)));
  Captured out;
  Logger log(clock, out.file(), config::LogLevel::kInfo);
  log.Info("http listening", {{"addr", "127.0.0.1:7461"}});
  EXPECT_EQ(out.text(),
            "ts=2026-11-27T01:02:03.456Z level=info msg=\"http listening\" addr=127.0.0.1:7461\n");
}

TEST(LoggerTest, DropsLinesBelowTheLevel) {
  testing::FakeClock clock;
  Captured out;
  Logger log(clock, out.file(), config::LogLevel::kWarn);
  log.Info("hidden");
  log.Debug("hidden");
  log.Warn("shown");
  log.Error("shown too");
  const std::string text = out.text();
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  EXPECT_NE(text.find("level=warn msg=shown\n"), std::string::npos);
  EXPECT_NE(text.find("level=error msg=\"shown too\"\n"), std::string::npos);
}

TEST(LoggerTest, LevelCanChangeAtRunTime) {
  testing::FakeClock clock;
  Captured out;
  Logger log(clock, out.file(), config::LogLevel::kError);
  log.Info("before");
  log.SetLevel(config::LogLevel::kDebug);
  log.Debug("after");
  const std::string text = out.text();
  EXPECT_EQ(text.find("before"), std::string::npos);
  EXPECT_NE(text.find("msg=after"), std::string::npos);
}

TEST(FormatTimestampTest, Rfc3339UtcWithMilliseconds) {
  // 1970-01-01T00:00:00.000Z and a date past 2038.
  EXPECT_EQ(FormatTimestamp(Timestamp{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(Timestamp(std::chrono::seconds(4'102'444'800))),
            "2100-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace driftd
