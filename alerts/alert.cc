#include "alerts/alert.h"

#include <charconv>
#include <cstdio>

namespace driftd::alerts {

const char* NotificationKindName(NotificationKind kind) {
  switch (kind) {
    case NotificationKind::kFiring: return "firing";
    case NotificationKind::kResend: return "resend";
    case NotificationKind::kResolved: return "resolved";
  }
  return "firing";
}

std::optional<NotificationKind> ParseNotificationKind(std::string_view name) {
  if (name == "firing") return NotificationKind::kFiring;
  if (name == "resend") return NotificationKind::kResend;
  if (name == "resolved") return NotificationKind::kResolved;
  return std::nullopt;
}

std::string Fingerprint(const LabelSet& labels) {
  // Prometheus model.LabelSet.Fingerprint: hashNew, then per sorted label
  // hashAdd(name), 0xff, hashAdd(value), 0xff. Matching it lets operators
  // find our alerts by the fingerprint Alertmanager shows.
  constexpr std::uint64_t kOffset = 14695981039346656037ULL;
  constexpr std::uint64_t kPrime = 1099511628211ULL;
  std::uint64_t h = kOffset;
  auto add = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= kPrime;
    }
    h ^= 0xffU;
    h *= kPrime;
  };
  for (const auto& [name, value] : labels) {
    add(name);
    add(value);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string FormatRfc3339(Timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss hms(floor<milliseconds>(t - day));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::optional<Timestamp> ParseRfc3339(std::string_view text) {
  using namespace std::chrono;
  auto number = [&text](std::size_t pos, std::size_t len, int* out) {
    if (pos + len > text.size()) return false;
    const char* begin = text.data() + pos;
    auto [ptr, ec] = std::from_chars(begin, begin + len, *out);
    return ec == std::errc() && ptr == begin + len;
  };
  int y, mo, d, h, mi, s;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || !number(0, 4, &y) || !number(5, 2, &mo) || !number(8, 2, &d) ||
      !number(11, 2, &h) || !number(14, 2, &mi) || !number(17, 2, &s)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - start >= 9) return std::nullopt;
      nanos += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  if (pos + 1 != text.size() || text[pos] != 'Z') return std::nullopt;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return Timestamp(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(s) + nanoseconds(nanos);
}

}  // namespace driftd::alerts
