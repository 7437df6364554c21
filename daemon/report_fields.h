// Field text of `driftd report` tables (CSV fields, JSONL strings): the
// missing-value and NaN spellings, blank trimming, and the number parse
// every numeric column goes through. Inline: the batched CSV loop
// (TableBuilder) calls them once per field.
//
// Contract:
//  - IsMissingText: the empty field, NA, N/A, null, NULL, None (exact case).
//    NaN is not missing here: numeric columns count it as NaN, categorical
//    ones as missing (IsNanText: "nan" or "NaN").
//  - Trim: drops spaces and tabs at both ends (nothing else).
//  - ParsePlainDecimal: an optional '-', digits and at most one '.', with an
//    integer mantissa < 2^53 and at most 22 fraction digits; *out gets the
//    bits std::from_chars would give. False (out untouched) otherwise.
//  - ParseNumber: the whole field as a double (optional '+' or '-', decimal
//    or exponent form, nan/inf/infinity in any case; out of double range:
//    an infinity of that sign), or std::nullopt. The field must already be
//    trimmed.
//  - ShortestText: the shortest decimal spelling that reads back as x (the
//    category name of a number in a column turned categorical).
#ifndef DRIFTD_DAEMON_REPORT_FIELDS_H_
#define DRIFTD_DAEMON_REPORT_FIELDS_H_

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace driftd::report {

// Missing-value spellings (NaN is handled by the caller: numeric columns
// count it as NaN, categorical ones as missing).
inline bool IsMissingText(std::string_view s) {
  // Every spelling but the empty one starts with N or n: one test for most fields.
  if (!s.empty() && s[0] != 'N' && s[0] != 'n') return false;
  switch (s.size()) {
    case 0: return true;
    case 2: return s == "NA";
    case 3: return s == "N/A";
    case 4: return s == "null" || s == "NULL" || s == "None";
    default: return false;
  }
}

inline bool IsNanText(std::string_view s) { return s.size() == 3 && (s == "nan" || s == "NaN"); }

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Plain decimals ("-12.3456"): when the digits form an integer m < 2^53 and
// there are at most 22 of them after the point, m / 10^k is one correctly
// rounded division of two exact doubles (Clinger's fast path), so the result
// is bit-identical to from_chars'. Anything else (exponents, long mantissas,
// nan/inf spellings, junk) returns false and goes to from_chars.
inline bool ParsePlainDecimal(std::string_view s, double* out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = s.data();
  const char* const end = p + s.size();
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  std::uint64_t m = 0;
  int digits = 0;
  int fraction = -1;  // digits after the point; -1: no point
  for (; p < end; ++p) {
    const unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d < 10) {
      if (++digits > 19) return false;
      m = m * 10 + d;
      if (fraction >= 0) ++fraction;
    } else if (*p == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return false;
    }
  }
  if (digits == 0 || m > (std::uint64_t{1} << 53) || fraction > 22) return false;
  double x = static_cast<double>(m);
  if (fraction > 0) x /= kPow10[fraction];
  *out = negative ? -x : x;
  return true;
}

// A whole-field number (s already trimmed), or std::nullopt. NaN and
// infinities parse (from_chars accepts "nan", "inf", "infinity" in any case).
inline std::optional<double> ParseNumber(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double x = 0;
  if (ParsePlainDecimal(s, &x)) return x;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec == std::errc::result_out_of_range) {
    // Beyond double range: an infinity of the right sign, counted as such.
    return s.front() == '-' ? -std::numeric_limits<double>::infinity()
                            : std::numeric_limits<double>::infinity();
  }
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return x;
}

inline std::string ShortestText(double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

}  // namespace driftd::report

#endif  // DRIFTD_DAEMON_REPORT_FIELDS_H_
