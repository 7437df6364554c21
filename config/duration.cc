#include "config/duration.h"

#include <array>
#include <cstddef>
#include <limits>

namespace driftd::config {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t nanos;
};

// Largest first: FormatDuration walks this order and ParseDuration requires
// terms to follow it, which catches typos such as "1m1h".
constexpr std::array<Unit, 8> kDurationUnits = {{
    {"w", 7 * 24 * 3600 * 1'000'000'000LL},
    {"d", 24 * 3600 * 1'000'000'000LL},
    {"h", 3600 * 1'000'000'000LL},
    {"m", 60 * 1'000'000'000LL},
    {"s", 1'000'000'000LL},
    {"ms", 1'000'000LL},
    {"us", 1'000LL},
    {"ns", 1LL},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Matches the unit at the start of `rest`; returns its index in
// kDurationUnits and sets its length in bytes, or returns -1.
int MatchUnit(std::string_view rest, std::size_t* length) {
  struct Spelling {
    std::string_view text;
    int unit;
  };
  // Two-letter spellings first so "ms" is not read as "m" followed by "s".
  static constexpr std::array<Spelling, 9> kSpellings = {{
      {"ms", 5},
      {"us", 6},
      {"\xC2\xB5s", 6},  // µs
      {"ns", 7},
      {"w", 0},
      {"d", 1},
      {"h", 2},
      {"m", 3},
      {"s", 4},
  }};
  for (const Spelling& spelling : kSpellings) {
    if (rest.starts_with(spelling.text)) {
      *length = spelling.text.size();
      return spelling.unit;
    }
  }
  return -1;
}

}  // namespace

std::optional<Duration> ParseDuration(std::string_view text) {
  if (text == "0") return Duration::zero();
  if (text.empty()) return std::nullopt;
  // 128-bit accumulation: the sum of terms is checked against int64 once per
  // term, so no intermediate product can wrap.
  constexpr __int128 kMax = std::numeric_limits<std::int64_t>::max();
  __int128 total = 0;
  int previous_unit = -1;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) return std::nullopt;
    __int128 whole = 0;
    while (i < text.size() && IsDigit(text[i])) {
      whole = whole * 10 + (text[i] - '0');
      if (whole > kMax) return std::nullopt;
      ++i;
    }
    __int128 fraction = 0;
    __int128 scale = 1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (i >= text.size() || !IsDigit(text[i])) return std::nullopt;
      while (i < text.size() && IsDigit(text[i])) {
        // Digits past the 18th are below a nanosecond even for weeks.
        if (scale < 1'000'000'000'000'000'000LL) {
          fraction = fraction * 10 + (text[i] - '0');
          scale *= 10;
        }
        ++i;
      }
    }
    std::size_t unit_length = 0;
    const int unit = MatchUnit(text.substr(i), &unit_length);
    if (unit < 0 || unit <= previous_unit) return std::nullopt;
    previous_unit = unit;
    i += unit_length;
    const __int128 nanos = kDurationUnits[unit].nanos;
    total += whole * nanos + fraction * nanos / scale;
    if (total > kMax) return std::nullopt;
  }
  return Duration(static_cast<std::int64_t>(total));
}

std::string FormatDuration(Duration d) {
  std::int64_t n = d.count();
  if (n == 0) return "0s";
  std::string out;
  // Work in unsigned so that the most negative value has a magnitude.
  std::uint64_t magnitude = static_cast<std::uint64_t>(n);
  if (n < 0) {
    out = "-";
    magnitude = ~magnitude + 1;
  }
  for (const Unit& unit : kDurationUnits) {
    const auto size = static_cast<std::uint64_t>(unit.nanos);
    if (magnitude >= size) {
      out += std::to_string(magnitude / size);
      out += unit.name;
      magnitude %= size;
    }
  }
  return out;
}

std::optional<std::uint64_t> ParseSize(std::string_view text) {
  std::size_t i = 0;
  std::uint64_t value = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  while (i < text.size() && IsDigit(text[i])) {
    const auto digit = static_cast<std::uint64_t>(text[i] - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
    ++i;
  }
  if (i == 0) return std::nullopt;
  const std::string_view unit = text.substr(i);
  struct SizeUnit {
    std::string_view name;
    std::uint64_t bytes;
  };
  static constexpr std::array<SizeUnit, 11> kSizeUnits = {{
      {"", 1},
      {"B", 1},
      {"kB", 1000},
      {"KB", 1000},
      {"MB", 1000'000},
      {"GB", 1000'000'000},
      {"TB", 1000'000'000'000},
      {"KiB", 1ULL << 10},
      {"MiB", 1ULL << 20},
      {"GiB", 1ULL << 30},
      {"TiB", 1ULL << 40},
  }};
  for (const SizeUnit& candidate : kSizeUnits) {
    if (candidate.name != unit) continue;
    if (value > kMax / candidate.bytes) return std::nullopt;
    return value * candidate.bytes;
  }
  return std::nullopt;
}

std::string FormatSize(std::uint64_t bytes) {
  static constexpr std::array<std::string_view, 4> kNames = {"TiB", "GiB", "MiB", "KiB"};
  for (std::size_t k = 0; k < kNames.size(); ++k) {
    const std::uint64_t unit = 1ULL << (10 * (kNames.size() - k));
    if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + std::string(kNames[k]);
  }
  return std::to_string(bytes) + "B";
}

}  // namespace driftd::config
