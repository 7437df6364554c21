// Event timestamps as they appear on the wire: RFC 3339 strings and Unix epoch
// seconds. Pure functions (and one parser with a one-entry cache); no clock,
// no allocation.
#ifndef DRIFTD_COLLECTORS_TIMESTAMP_H_
#define DRIFTD_COLLECTORS_TIMESTAMP_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "detectors/time.h"

namespace driftd::collectors {

// The range every accepted timestamp lies in: from the Unix epoch
// (1970-01-01T00:00:00Z) to the largest instant a Timestamp (signed 64-bit
// nanoseconds) can hold, 2262-04-11T23:47:16.854775807Z. Earlier or later
// instants are rejected rather than clamped or wrapped.
inline constexpr std::int64_t kMaxEpochSeconds = 9'223'372'036;

// Parses an RFC 3339 date-time:
//   YYYY-MM-DD ('T' | 't' | ' ') hh:mm:ss [ '.' digits ] ('Z' | 'z' | ('+'|'-') hh:mm)
// Fractions are kept to the nanosecond; digits beyond the ninth are truncated.
// A leap second (ss = 60) is accepted and counts as the first instant of the
// next minute. Returns nullopt on any syntax error, an impossible date (month
// 13, February 30), a field out of range (hour 24, offset 24:00), trailing
// characters, or an instant outside [epoch, kMaxEpochSeconds].
std::optional<Timestamp> ParseRfc3339(std::string_view text);

// ParseRfc3339 with the day of the last date remembered. A stream's
// timestamps share their date for hours; for text of the common form
// "YYYY-MM-DDThh:mm:ss[.fff]Z" with the last date, only the time of day is
// read. Results are those of ParseRfc3339 for every text (tested against it).
// Not thread-safe: one per decoder.
class Rfc3339Parser {
 public:
  std::optional<Timestamp> Parse(std::string_view text);

 private:
  std::array<char, 10> date_{};  // "YYYY-MM-DD" of days_, a valid date
  std::int64_t days_ = 0;        // days from 1970-01-01 to date_
  bool has_date_ = false;
};

// Epoch seconds as an integer. nullopt when negative or beyond kMaxEpochSeconds.
std::optional<Timestamp> FromEpochSeconds(std::int64_t seconds);

// Epoch seconds with a fraction, rounded to the nearest nanosecond (the
// precision of a double near today's epoch is about 0.2 µs). nullopt when NaN,
// infinite, negative, or not below kMaxEpochSeconds.
std::optional<Timestamp> FromEpochSeconds(double seconds);

}  // namespace driftd::collectors

#endif  // DRIFTD_COLLECTORS_TIMESTAMP_H_
