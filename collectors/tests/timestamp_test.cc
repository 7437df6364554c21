#include "collectors/timestamp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace driftd::collectors {
namespace {

using std::chrono::nanoseconds;
using std::chrono::seconds;

Timestamp At(std::int64_t s, std::int64_t ns = 0) {
  return Timestamp(seconds(s)) + nanoseconds(ns);
}

// Expected epoch seconds from GNU coreutils: `date -u -d TEXT +%s`.
struct ValidCase {
  const char* text;
  std::int64_t seconds;
  std::int64_t nanos;
};

TEST(Rfc3339Test, ParsesValidForms) {
  const ValidCase cases[] = {
      {"2026-11-27T01:02:03Z", 1795741323, 0},
      {"2026-11-27T01:02:03.456Z", 1795741323, 456'000'000},
      {"2026-11-27T01:02:03.000000001Z", 1795741323, 1},
      {"2026-11-27T01:02:03.123456789Z", 1795741323, 123'456'789},
      {"2026-11-27T01:02:03.1234567891234z", 1795741323, 123'456'789},  // truncated
      {"2026-11-27t01:02:03z", 1795741323, 0},
      {"2026-11-27 01:02:03Z", 1795741323, 0},
      {"2026-11-27T00:00:00+05:30", 1795717800, 0},
      {"2026-11-26T20:00:00-08:00", 1795752000, 0},
      {"2026-11-27T01:02:03.5+00:00", 1795741323, 500'000'000},
      {"2026-11-27T01:02:03-00:00", 1795741323, 0},
      {"2000-02-29T12:00:00Z", 951825600, 0},
      {"1970-01-01T00:00:00Z", 0, 0},
      {"2024-12-31T23:59:60Z", 1735689600, 0},  // leap second = next minute's start
      {"2262-04-11T23:47:16.854775807Z", 9223372036, 854'775'807},
  };
  for (const ValidCase& c : cases) {
    std::optional<Timestamp> t = ParseRfc3339(c.text);
    ASSERT_TRUE(t.has_value()) << c.text;
    EXPECT_EQ(*t, At(c.seconds, c.nanos)) << c.text;
  }
}

TEST(Rfc3339Test, RejectsMalformedOrOutOfRange) {
  const char* cases[] = {
      "",
      "2026-11-27",
      "2026-11-27T01:02:03",            // no zone
      "2026-11-27T01:02Z",              // no seconds
      "2026-11-27X01:02:03Z",
      "2026-13-01T00:00:00Z",           // month 13
      "2026-00-01T00:00:00Z",
      "2026-02-29T00:00:00Z",           // not a leap year
      "2026-04-31T00:00:00Z",
      "2026-11-27T24:00:00Z",
      "2026-11-27T01:60:00Z",
      "2026-11-27T01:02:61Z",
      "2026-11-27T01:02:03.Z",          // empty fraction
      "2026-11-27T01:02:03+0100",       // offset without colon
      "2026-11-27T01:02:03+24:00",
      "2026-11-27T01:02:03+01:60",
      "2026-11-27T01:02:03ZZ",          // trailing
      "2026-11-27T01:02:03Z ",
      " 2026-11-27T01:02:03Z",
      "26-11-27T01:02:03Z",
      "2026-1-27T01:02:03Z",
      "1969-12-31T23:59:59Z",           // before the epoch
      "1970-01-01T00:30:00+01:00",      // 1969-12-31T23:30Z
      "2262-04-11T23:47:16.854775808Z", // one ns past the largest Timestamp
      "9999-12-31T23:59:59Z",
      "+2026-11-27T01:02:03Z",
      "2026-11-27T01:02:03.12a4Z",
  };
  for (const char* text : cases) {
    EXPECT_FALSE(ParseRfc3339(text).has_value()) << text;
  }
}

// The common "YYYY-MM-DDTHH:MM:SS(.fff)Z" forms take a straight-line path;
// checked against the C library's timegm() (an independent calendar) over
// random instants of the whole accepted range and every day of 400 years.
TEST(Rfc3339Test, CommonFormsMatchTimegm) {
  std::mt19937_64 rng(20261127);
  std::uniform_int_distribution<int> year(1970, 2261), month(1, 12), day(1, 31), hour(0, 23),
      minute(0, 59), second(0, 59), millis(0, 999);
  int valid = 0;
  int impossible = 0;
  for (int i = 0; i < 20000; ++i) {
    std::tm tm{};
    tm.tm_year = year(rng) - 1900;
    tm.tm_mon = month(rng) - 1;
    tm.tm_mday = day(rng);
    tm.tm_hour = hour(rng);
    tm.tm_min = minute(rng);
    tm.tm_sec = second(rng);
    const int ms = millis(rng);
    char text[96];
    const bool with_millis = i % 2 == 0;
    if (with_millis) {
      std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    } else {
      std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    std::tm normalized = tm;
    const std::int64_t expected = timegm(&normalized);
    // timegm normalizes 2026-02-30 to March 2: such a date does not exist.
    const bool exists = normalized.tm_mday == tm.tm_mday && normalized.tm_mon == tm.tm_mon;
    std::optional<Timestamp> t = ParseRfc3339(text);
    if (!exists) {
      EXPECT_FALSE(t.has_value()) << text;
      ++impossible;
      continue;
    }
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(*t, At(expected, with_millis ? ms * 1'000'000LL : 0)) << text;
    ++valid;
  }
  EXPECT_GT(valid, 19000);
  EXPECT_GT(impossible, 100);
  // Every day of a 400-year cycle (leap rules for 2000, 2100, 2200).
  for (std::int64_t d = 0; d < 146097; ++d) {
    const std::time_t at = static_cast<std::time_t>((d + 10957) * 86400);  // from 2000-01-01
    std::tm tm{};
    gmtime_r(&at, &tm);
    if (tm.tm_year + 1900 > 2261) break;
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ASSERT_EQ(ParseRfc3339(text), At(at)) << text;
  }
}

// Near-misses of the common form still reach the general parser, which
// accepts or rejects them on its own rules.
TEST(Rfc3339Test, NearMissesOfCommonFormUseGeneralRules) {
  EXPECT_EQ(ParseRfc3339("2026-11-27T01:02:03.45Z"), At(1795741323, 450'000'000));
  EXPECT_EQ(ParseRfc3339("2026-11-27T01:02:03.4567Z"), At(1795741323, 456'700'000));
  EXPECT_EQ(ParseRfc3339("2026-11-27t01:02:03.456Z"), At(1795741323, 456'000'000));
  EXPECT_EQ(ParseRfc3339("2026-11-27T01:02:03.456z"), At(1795741323, 456'000'000));
  EXPECT_FALSE(ParseRfc3339("2026-11-27T01:02:03,456Z").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-11-27T01:02:03.45aZ").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-11-27T01:02:0aZ").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-11-27T01:02:03.4 Z").has_value());
  EXPECT_FALSE(ParseRfc3339("1969-12-31T23:59:59.999Z").has_value());
  EXPECT_FALSE(ParseRfc3339("2262-04-11T23:47:17.000Z").has_value());
  EXPECT_FALSE(ParseRfc3339("2100-02-29T00:00:00Z").has_value());
  EXPECT_EQ(ParseRfc3339("2400-02-29T00:00:00Z"), std::nullopt);  // beyond 2262
  EXPECT_TRUE(ParseRfc3339("2096-02-29T00:00:00.000Z").has_value());
}

// Rfc3339Parser reuses the day of the last date; it must return what
// ParseRfc3339 returns for every text, whatever came before. The reference
// is ParseRfc3339 itself (checked against GNU date above). A stream of
// timestamps over a few dates, each sometimes mutated in one byte, covers
// cached dates with bad times, date changes, and texts that only share the
// date prefix.
TEST(Rfc3339ParserTest, AgreesWithParseRfc3339OnEveryText) {
  Rfc3339Parser parser;
  const std::vector<std::string> fixed = {
      "2026-11-27T01:02:03.456Z", "2026-11-27T23:59:60Z",  "2026-11-27T24:00:00Z",
      "2026-11-27T23:60:00Z",     "2026-11-27T23:59:61Z",  "2026-11-27t01:02:03Z",
      "2026-11-27T01:02:03.45Z",  "2026-11-27T01:02:03+01:00", "2026-11-27T01:02:03,456Z",
      "2026-11-27T01:02:03.4a6Z", "2026-11-27",             "2026-11-27T01:02:03",
      "2026-11-27 01:02:03Z",     "2026-11-27T1:02:03.456Z", "2262-04-11T23:47:16Z",
      "2262-04-11T23:47:17Z",     "2262-04-11T23:47:16.854Z", "2262-04-11T23:47:16.855Z",
      "2024-02-29T00:00:00Z",     "2024-02-29T12:00:00.001Z", "2023-02-29T00:00:00Z",
      "2023-02-29T00:00:00Z",     "1970-01-01T00:00:00Z",  "1969-12-31T23:59:59Z",
      "1969-12-31T23:59:59Z",
  };
  int accepted = 0;
  for (const std::string& text : fixed) {
    const std::optional<Timestamp> expected = ParseRfc3339(text);
    EXPECT_EQ(parser.Parse(text), expected) << text;
    EXPECT_EQ(parser.Parse(text), expected) << text << " (again)";
    accepted += expected ? 1 : 0;
  }
  std::mt19937_64 rng(3339);
  const std::vector<std::string> dates = {"2026-11-27", "2026-11-28", "2024-02-29", "2100-02-29"};
  const std::string bytes = "0123456789:.TtZz-+ x";
  for (int i = 0; i < 20000; ++i) {
    char text[32];
    std::snprintf(text, sizeof text, "%sT%02d:%02d:%02d.%03dZ", dates[rng() % dates.size()].c_str(),
                  static_cast<int>(rng() % 26), static_cast<int>(rng() % 62),
                  static_cast<int>(rng() % 62), static_cast<int>(rng() % 1000));
    std::string s = text;
    if (rng() % 4 == 0) s = s.substr(0, 19) + "Z";  // whole seconds
    if (rng() % 3 == 0) s[rng() % s.size()] = bytes[rng() % bytes.size()];
    const std::optional<Timestamp> expected = ParseRfc3339(s);
    ASSERT_EQ(parser.Parse(s), expected) << s;
    accepted += expected ? 1 : 0;
  }
  // Both outcomes are exercised.
  EXPECT_GT(accepted, 5000);
  EXPECT_LT(accepted, 20000);
}

TEST(EpochSecondsTest, Integers) {
  EXPECT_EQ(FromEpochSeconds(std::int64_t{0}), At(0));
  EXPECT_EQ(FromEpochSeconds(std::int64_t{1795741323}), At(1795741323));
  EXPECT_EQ(FromEpochSeconds(kMaxEpochSeconds), At(kMaxEpochSeconds));
  EXPECT_FALSE(FromEpochSeconds(std::int64_t{-1}).has_value());
  EXPECT_FALSE(FromEpochSeconds(kMaxEpochSeconds + 1).has_value());
  EXPECT_FALSE(FromEpochSeconds(std::numeric_limits<std::int64_t>::max()).has_value());
}

TEST(EpochSecondsTest, Fractions) {
  EXPECT_EQ(FromEpochSeconds(1795741323.5), At(1795741323, 500'000'000));
  EXPECT_EQ(FromEpochSeconds(0.25), At(0, 250'000'000));
  // 1795741323.456 is not exact in binary; the nearest double is within 0.2 µs.
  std::optional<Timestamp> t = FromEpochSeconds(1795741323.456);
  ASSERT_TRUE(t.has_value());
  EXPECT_LE(std::abs((*t - At(1795741323, 456'000'000)).count()), 240);
  // A fraction that rounds up to a whole second carries.
  EXPECT_EQ(FromEpochSeconds(0.9999999999), At(1));
}

TEST(EpochSecondsTest, RejectsNonFiniteNegativeAndTooLarge) {
  EXPECT_FALSE(FromEpochSeconds(-0.5).has_value());
  EXPECT_FALSE(FromEpochSeconds(std::nan("")).has_value());
  EXPECT_FALSE(FromEpochSeconds(std::numeric_limits<double>::infinity()).has_value());
  EXPECT_FALSE(FromEpochSeconds(1e10).has_value());
  EXPECT_FALSE(FromEpochSeconds(static_cast<double>(kMaxEpochSeconds)).has_value());
}

}  // namespace
}  // namespace driftd::collectors
