#include "collectors/timestamp.h"

#include <chrono>
#include <cmath>
#include <cstring>

namespace driftd::collectors {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
// INT64_MAX = kMaxEpochSeconds * 1e9 + kMaxNanosInLastSecond.
constexpr std::int64_t kMaxNanosInLastSecond = 854'775'807;

// Reads exactly `width` decimal digits at text[*pos]; advances *pos.
bool ReadDigits(std::string_view text, std::size_t* pos, int width, int* out) {
  if (*pos + static_cast<std::size_t>(width) > text.size()) return false;
  int value = 0;
  for (int i = 0; i < width; ++i) {
    char c = text[*pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += static_cast<std::size_t>(width);
  *out = value;
  return true;
}

bool Expect(std::string_view text, std::size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

// Whole seconds and nanoseconds since the epoch -> Timestamp, range-checked
// before the multiplication so that nothing overflows.
std::optional<Timestamp> Make(std::int64_t seconds, std::int64_t nanos) {
  if (seconds < 0 || seconds > kMaxEpochSeconds) return std::nullopt;
  if (seconds == kMaxEpochSeconds && nanos > kMaxNanosInLastSecond) return std::nullopt;
  return Timestamp(Duration(seconds * kNanosPerSecond + nanos));
}

// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
// days_from_civil). REQUIRES: month in 1..12.
constexpr std::int64_t DaysFromCivil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

constexpr unsigned DaysInMonth(int year, unsigned month) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Two ASCII digits at p, or -1.
inline int TwoDigits(const char* p) {
  const unsigned a = static_cast<unsigned char>(p[0]) - '0';
  const unsigned b = static_cast<unsigned char>(p[1]) - '0';
  return (a > 9 || b > 9) ? -1 : static_cast<int>(a * 10 + b);
}

// The time of day of the common form (below), the date part aside: false
// when text is not of that form there; else true with *seconds_of_day,
// *nanos and *in_range (false for a field out of range).
inline bool CommonTimeOfDay(std::string_view text, std::int64_t* seconds_of_day,
                            std::int64_t* nanos, bool* in_range) {
  if ((text.size() != 20 && text.size() != 24) || text.back() != 'Z') return false;
  const char* p = text.data();
  if (p[10] != 'T' || p[13] != ':' || p[16] != ':') return false;
  const int hour = TwoDigits(p + 11);
  const int minute = TwoDigits(p + 14);
  const int second = TwoDigits(p + 17);
  if ((hour | minute | second) < 0) return false;
  *nanos = 0;
  if (text.size() == 24) {
    const unsigned d = static_cast<unsigned char>(p[20]) - '0';
    const int rest = TwoDigits(p + 21);
    if (p[19] != '.' || d > 9 || rest < 0) return false;
    *nanos = (static_cast<std::int64_t>(d) * 100 + rest) * 1'000'000;
  }
  *in_range = hour <= 23 && minute <= 59 && second <= 60;
  *seconds_of_day = hour * 3600 + minute * 60 + second;
  return true;
}

// The form producers emit almost always: "YYYY-MM-DDTHH:MM:SSZ" or
// "YYYY-MM-DDTHH:MM:SS.fffZ" (upper-case T and Z, milliseconds). Returns
// false when text is not of that form, so that the general parser decides;
// true with *out set (nullopt for an impossible date or out-of-range field)
// otherwise, and *days (days from the epoch to the date) when the date is
// valid. Straight-line code: no loops over the text, no chrono.
bool ParseCommonForm(std::string_view text, std::optional<Timestamp>* out,
                     std::int64_t* days) {
  std::int64_t seconds_of_day;
  std::int64_t nanos;
  bool in_range;
  if (!CommonTimeOfDay(text, &seconds_of_day, &nanos, &in_range)) return false;
  const char* p = text.data();
  if (p[4] != '-' || p[7] != '-') return false;
  const int century = TwoDigits(p);
  const int year_low = TwoDigits(p + 2);
  const int month = TwoDigits(p + 5);
  const int day = TwoDigits(p + 8);
  if ((century | year_low | month | day) < 0) return false;
  const int year = century * 100 + year_low;
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month))) {
    *out = std::nullopt;
    return true;
  }
  *days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  *out = in_range ? Make(*days * 86400 + seconds_of_day, nanos) : std::nullopt;
  return true;
}

}  // namespace

std::optional<Timestamp> ParseRfc3339(std::string_view text) {
  std::int64_t days_unused;
  if (std::optional<Timestamp> common; ParseCommonForm(text, &common, &days_unused)) {
    return common;
  }
  std::size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(text, &pos, 4, &year) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &month) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &day)) {
    return std::nullopt;
  }
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) {
    return std::nullopt;
  }
  ++pos;
  if (!ReadDigits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &minute) || !Expect(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &second)) {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;

  std::int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }

  if (pos >= text.size()) return std::nullopt;
  std::int64_t offset_seconds = 0;
  char zone = text[pos++];
  if (zone == '+' || zone == '-') {
    int offset_hour, offset_minute;
    if (!ReadDigits(text, &pos, 2, &offset_hour) || !Expect(text, &pos, ':') ||
        !ReadDigits(text, &pos, 2, &offset_minute)) {
      return std::nullopt;
    }
    if (offset_hour > 23 || offset_minute > 59) return std::nullopt;
    offset_seconds = (offset_hour * 3600 + offset_minute * 60) * (zone == '-' ? -1 : 1);
  } else if (zone != 'Z' && zone != 'z') {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  // Local time minus the offset is UTC: 01:00+01:00 is 00:00Z.
  const std::int64_t seconds =
      days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return Make(seconds, nanos);
}

std::optional<Timestamp> Rfc3339Parser::Parse(std::string_view text) {
  // The last date, and the common form after it: the date's validity and
  // day count are known (ParseCommonForm would find the same).
  if (has_date_ && text.size() >= 20 && std::memcmp(text.data(), date_.data(), 10) == 0) {
    std::int64_t seconds_of_day;
    std::int64_t nanos;
    bool in_range;
    if (CommonTimeOfDay(text, &seconds_of_day, &nanos, &in_range)) {
      if (!in_range) return std::nullopt;
      return Make(days_ * 86400 + seconds_of_day, nanos);
    }
  }
  std::optional<Timestamp> common;
  std::int64_t days;
  if (ParseCommonForm(text, &common, &days)) {
    if (common) {  // a valid date: remembered
      std::memcpy(date_.data(), text.data(), date_.size());
      days_ = days;
      has_date_ = true;
    }
    return common;
  }
  return ParseRfc3339(text);
}

std::optional<Timestamp> FromEpochSeconds(std::int64_t seconds) { return Make(seconds, 0); }

std::optional<Timestamp> FromEpochSeconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 ||
      seconds >= static_cast<double>(kMaxEpochSeconds)) {
    return std::nullopt;
  }
  const double whole = std::floor(seconds);
  // Below kMaxEpochSeconds, whole + 1 s still fits, so a fraction that rounds
  // up to a full second needs no special case.
  const auto nanos = static_cast<std::int64_t>(std::llround((seconds - whole) * 1e9));
  return Timestamp(Duration(static_cast<std::int64_t>(whole) * kNanosPerSecond + nanos));
}

}  // namespace driftd::collectors
