#include "config/duration.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace driftd::config {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// Expected values are the definitions of the units (1d = 24h, 1w = 7d), as
// in Prometheus' model.ParseDuration and Go's time.ParseDuration.
struct DurationCase {
  std::string text;
  Duration expected;
};

TEST(ParseDurationTest, AcceptsEveryUnitAndCombinations) {
  const DurationCase cases[] = {
      {"500ms", milliseconds(500)},
      {"15s", seconds(15)},
      {"1h", hours(1)},
      {"30d", hours(30 * 24)},
      {"2w", hours(14 * 24)},
      {"1h30m", minutes(90)},
      {"2m", minutes(2)},
      {"10us", microseconds(10)},
      {"10\xC2\xB5s", microseconds(10)},
      {"7ns", nanoseconds(7)},
      {"0s", Duration::zero()},
      {"0", Duration::zero()},
      {"1d12h", hours(36)},
      {"1m1s1ms1us1ns", nanoseconds(61'001'001'001)},
      {"1.5h", minutes(90)},
      {"0.25s", milliseconds(250)},
      {"1.000000001s", nanoseconds(1'000'000'001)},
  };
  for (const auto& c : cases) {
    const auto parsed = ParseDuration(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_EQ(*parsed, c.expected) << c.text;
  }
}

TEST(ParseDurationTest, RejectsMalformedText) {
  for (const char* text : {"", "15", "s", "15 s", " 15s", "15s ", "-1s", "+1s", "1x", "1S", "1h1h",
                           "1m1h", "1s1m", "1.s", ".5s", "1..5s", "1e3s", "1ms1s", "h1"}) {
    EXPECT_FALSE(ParseDuration(text).has_value()) << '"' << text << '"';
  }
}

TEST(ParseDurationTest, RejectsOverflowAndAcceptsTheLargestValue) {
  // int64 nanoseconds hold 9223372036854775807ns, about 292 years.
  EXPECT_EQ(ParseDuration("9223372036854775807ns"), Duration::max());
  EXPECT_FALSE(ParseDuration("9223372036854775808ns").has_value());
  EXPECT_FALSE(ParseDuration("100000w").has_value());
  EXPECT_FALSE(ParseDuration("99999999999999999999999999h").has_value());
  EXPECT_TRUE(ParseDuration("15250w1d").has_value());
  EXPECT_FALSE(ParseDuration("15250w3d").has_value());  // 15250w1d fits, 15250w3d does not
}

TEST(FormatDurationTest, UsesLargestUnitsFirst) {
  EXPECT_EQ(FormatDuration(Duration::zero()), "0s");
  EXPECT_EQ(FormatDuration(minutes(90)), "1h30m");
  EXPECT_EQ(FormatDuration(milliseconds(500)), "500ms");
  EXPECT_EQ(FormatDuration(hours(24 * 8)), "1w1d");
  EXPECT_EQ(FormatDuration(nanoseconds(61'001'001'001)), "1m1s1ms1us1ns");
  EXPECT_EQ(FormatDuration(seconds(-2)), "-2s");
}

TEST(FormatDurationTest, RoundTripsThroughParse) {
  const Duration durations[] = {Duration::zero(), nanoseconds(1), milliseconds(1500),
                                hours(30 * 24), nanoseconds(123'456'789'012'345), Duration::max()};
  for (const Duration d : durations) {
    EXPECT_EQ(ParseDuration(FormatDuration(d)), d) << FormatDuration(d);
  }
}

TEST(ParseSizeTest, AcceptsIecAndSiUnits) {
  struct SizeCase {
    std::string text;
    std::uint64_t expected;
  };
  // IEC 80000-13: Ki = 2^10, Mi = 2^20, Gi = 2^30, Ti = 2^40; SI k = 10^3 ...
  const SizeCase cases[] = {
      {"512", 512},
      {"0", 0},
      {"512B", 512},
      {"64KiB", 65536},
      {"1MiB", 1048576},
      {"2GiB", 2147483648ULL},
      {"1TiB", 1099511627776ULL},
      {"10kB", 10000},
      {"10KB", 10000},
      {"5MB", 5000000},
      {"3GB", 3000000000ULL},
      {"2TB", 2000000000000ULL},
      {"18446744073709551615", std::numeric_limits<std::uint64_t>::max()},
  };
  for (const auto& c : cases) {
    const auto parsed = ParseSize(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_EQ(*parsed, c.expected) << c.text;
  }
}

TEST(ParseSizeTest, RejectsMalformedTextAndOverflow) {
  for (const char* text : {"", "KiB", "1 KiB", "-1", "1.5MiB", "1kib", "1mb", "1Ki", "1KiBB",
                           "18446744073709551616", "16777216TiB"}) {
    EXPECT_FALSE(ParseSize(text).has_value()) << '"' << text << '"';
  }
}

TEST(FormatSizeTest, UsesTheLargestExactIecUnit) {
  EXPECT_EQ(FormatSize(65536), "64KiB");
  EXPECT_EQ(FormatSize(1 << 20), "1MiB");
  EXPECT_EQ(FormatSize(1000), "1000B");
  EXPECT_EQ(FormatSize(0), "0B");
  for (std::uint64_t bytes : {0ULL, 1ULL, 1023ULL, 1024ULL, 3ULL << 30, 5ULL << 40}) {
    EXPECT_EQ(ParseSize(FormatSize(bytes)), bytes);
  }
}

}  // namespace
}  // namespace driftd::config
