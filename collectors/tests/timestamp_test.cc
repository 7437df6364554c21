#include "collectors/timestamp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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
