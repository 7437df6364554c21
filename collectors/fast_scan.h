// Word-at-a-time scanning helpers of the fast event parser
// (collectors/fast_event_parser.cc): short-text equality, runs of ASCII
// digits, short plain decimals and JSON numbers. Inline so that the parser's loops keep
// them in registers. Little-endian (x86-64): the first byte of a loaded word
// is its least significant.
// Internal to collectors/.
#ifndef DRIFTD_COLLECTORS_FAST_SCAN_H_
#define DRIFTD_COLLECTORS_FAST_SCAN_H_

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace driftd::collectors::fast_scan {

static_assert(std::endian::native == std::endian::little, "word-at-a-time scanning");

// Equality of short names without a library call (as in decoder.cc).
[[gnu::always_inline]] inline bool SameText(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  if (n < 8) {
    if (n >= 4) {  // two 4-byte loads, overlapping
      std::uint32_t a0, a1, b0, b1;
      std::memcpy(&a0, x, 4);
      std::memcpy(&b0, y, 4);
      std::memcpy(&a1, x + n - 4, 4);
      std::memcpy(&b1, y + n - 4, 4);
      return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (x[i] != y[i]) return false;
    }
    return true;
  }
  std::uint64_t u, v;
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    std::memcpy(&u, x + i, 8);
    std::memcpy(&v, y + i, 8);
    if (u != v) return false;
  }
  std::memcpy(&u, x + n - 8, 8);
  std::memcpy(&v, y + n - 8, 8);
  return u == v;
}

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

inline constexpr std::uint64_t kIntPowersOfTen[] = {1,      10,      100,      1000,     10000,
                                             100000, 1000000, 10000000, 100000000};

// The number of leading ASCII digits among the 8 bytes at p (8 when all are),
// and their value, without a branch per digit (feature values have 1 to 8
// digits before and after the point, of varying length).
[[gnu::always_inline]] inline int DigitRun8(const char* p, std::uint64_t* value) {
  constexpr std::uint64_t kHighNibbles = 0xF0F0F0F0F0F0F0F0ULL;
  constexpr std::uint64_t kZeros = 0x3030303030303030ULL;
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  // A byte is a digit when its high nibble is 3 and adding 6 keeps it 3.
  // Carries between bytes start only at a non-digit byte, so every byte up to
  // the first non-digit is classified exactly.
  const std::uint64_t z = ((v & kHighNibbles) ^ kZeros) |
                          (((v + 0x0606060606060606ULL) & kHighNibbles) ^ kZeros);
  const std::uint64_t non_digit = (((z & kLow7) + kLow7) | z) & ~kLow7;
  const int run = non_digit == 0 ? 8 : std::countr_zero(non_digit) / 8;
  if (run == 0) {
    *value = 0;
    return 0;
  }
  // The digits moved to the top bytes (zero bytes below act as leading
  // zeros), then the usual 8-digit SWAR conversion (first byte most significant).
  std::uint64_t t = (v - kZeros) << (8 * (8 - run));
  t = (t * 10) + (t >> 8);
  t = (((t & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((t >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  *value = t & 0xFFFFFFFFULL;
  return run;
}

// Appends the digits at p to *mantissa and returns the end of the run. The
// mantissa wraps for runs totalling more than 19 digits; callers count digits
// and decline those.
[[gnu::always_inline]] inline const char* AccumulateDigits(const char* p, const char* end, std::uint64_t* mantissa) {
  if (end - p >= 8) {
    std::uint64_t value;
    const int run = DigitRun8(p, &value);
    *mantissa = *mantissa * kIntPowersOfTen[run] + value;
    p += run;
    if (run < 8) return p;
  }
  while (p < end && IsDigit(*p)) *mantissa = *mantissa * 10 + static_cast<std::uint64_t>(*p++ - '0');
  return p;
}

// A plain decimal "D.F" (D and F runs of ASCII digits, D at least one digit,
// F at least one) that ends inside the 8 bytes at p, read with one
// conversion: the point is squeezed out and the digits converted as one
// integer. Returns the length of the decimal (3 to 7) with *mantissa = DF as
// an integer and *fraction_digits = |F|; returns 0 when the bytes are not of
// that form (no point, a second run reaching past the 8 bytes, no digit on
// a side of the point, or an exponent letter after F), for the caller's
// general path. Leading zeros are the caller's check (p[0] == '0' with
// more than one integer digit). Reads exactly 8 bytes at p.
[[gnu::always_inline]] inline int PlainDecimal8(const char* p, std::uint64_t* mantissa,
                                                int* fraction_digits) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  constexpr std::uint64_t kZeros = 0x3030303030303030ULL;
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  // Exact per byte (no carry crosses a byte): a byte is a digit when
  // b ^ '0' is below 10.
  const std::uint64_t t = v ^ kZeros;
  const std::uint64_t non_digit = (((t & kLow7) + 0x7676767676767676ULL) | t) & kHigh;
  if (non_digit == 0) return 0;
  const int point = std::countr_zero(non_digit) / 8;  // first non-digit byte
  // It must be the point, after at least one digit and with room for a
  // fraction digit and the byte after it.
  if (point == 0 || point > 5 || p[point] != '.') return 0;
  // The first non-digit after the point ends the decimal.
  const std::uint64_t after = non_digit & (~std::uint64_t{0} << (8 * point + 8));
  if (after == 0) return 0;
  const int stop = std::countr_zero(after) / 8;
  if (stop == point + 1) return 0;
  if ((p[stop] | 0x20) == 'e') return 0;  // 'e' or 'E' after the digits
  // Digits below the point stay; those above move down one byte over it.
  const std::uint64_t below = (std::uint64_t{1} << (8 * point)) - 1;
  const std::uint64_t digits = (t & below) | ((t >> 8) & ~below);
  const int count = stop - 1;  // 2..6 digits
  // The usual 8-digit SWAR conversion with the digits moved to the top
  // bytes (first digit most significant; zero bytes below act as leading
  // zeros).
  std::uint64_t x = digits << (8 * (8 - count));
  x = (x * 10) + (x >> 8);
  x = (((x & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((x >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  *mantissa = x & 0xFFFFFFFFULL;
  *fraction_digits = stop - point - 1;
  return stop;
}

// A JSON number's value as the general decoder reads it.
struct Number {
  bool integer;            // no fraction or exponent
  std::int64_t int_value;  // when integer
  double value;            // every number, integers converted as simdjson does
};

// Reads the JSON number at p (p < end, *p is '-' or a digit) into *out and
// returns its end; returns nullptr when the text is not JSON number syntax
// or is a number left to the general parser (integers past 18 digits,
// values out of the range of a double). Results are those of simdjson's
// DOM parser bit for bit (the decoder's differential test).
[[gnu::always_inline]] inline const char* ScanNumber(const char* p, const char* end,
                                                     Number* out) {
  // JSON number syntax, checked here because std::from_chars is laxer
  // (leading zeros, "1.", ".5").
  const char* start = p;
  // The sign and a leading zero vary from value to value: no branch on
  // either (they would be mispredicted on real traffic).
  const bool negative = *p == '-';
  p += negative ? 1 : 0;
  if (p == end || !IsDigit(*p)) return nullptr;
  // Clinger's fast path (here and below): a mantissa below 2^53 and a
  // power of ten up to 1e22 are both exact doubles, so one IEEE
  // multiplication or division gives the correctly rounded result, which
  // simdjson also computes.
  static constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  // Feature values are mostly short plain decimals: those ending within
  // 8 bytes are read with one conversion (at most 6 digits, so exact).
  if (end - p >= 8) {
    std::uint64_t digits;
    int fraction_digits;
    const int length = fast_scan::PlainDecimal8(p, &digits, &fraction_digits);
    if (length != 0) {
      if (*p == '0' && length - fraction_digits > 2) return nullptr;  // leading zero
      out->integer = false;
      const double value = static_cast<double>(digits) / kPowersOfTen[fraction_digits];
      out->value = std::bit_cast<double>(std::bit_cast<std::uint64_t>(value) |
                                         (static_cast<std::uint64_t>(negative) << 63));
      return p + length;
    }
  }
  const char* int_start = p;
  // All digits (integer and fraction part) as one integer, while it fits.
  // Wraps past 19 digits, but then the number is declined below.
  std::uint64_t mantissa = 0;
  p = AccumulateDigits(p, end, &mantissa);
  int digits = static_cast<int>(p - int_start);
  // JSON allows no leading zero ("01", "-00"): declined, the general
  // parser rejects it.
  if (digits > 19 || (*int_start == '0' && digits > 1)) return nullptr;
  const std::size_t int_digits = static_cast<std::size_t>(p - int_start);
  bool integer = true;
  int exponent = 0;  // power of ten to apply to mantissa
  if (p < end && *p == '.') {
    integer = false;
    ++p;
    if (p == end || !IsDigit(*p)) return nullptr;
    // Past 19 digits in all the mantissa wraps: from_chars below then.
    const char* fraction = p;
    p = AccumulateDigits(p, end, &mantissa);
    exponent = -static_cast<int>(p - fraction);
    digits -= exponent;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    integer = false;
    ++p;
    bool negative_exponent = false;
    if (p < end && (*p == '+' || *p == '-')) negative_exponent = *p++ == '-';
    if (p == end || !IsDigit(*p)) return nullptr;
    int explicit_exponent = 0;
    while (p < end && IsDigit(*p)) {
      if (explicit_exponent < 10000) explicit_exponent = explicit_exponent * 10 + (*p - '0');
      ++p;
    }
    exponent += negative_exponent ? -explicit_exponent : explicit_exponent;
  }
  out->integer = integer;
  if (integer) {
    // At most 18 digits always fit an int64 exactly; longer integers may
    // be uint64 or out of range for the general parser: declined. "-0" is
    // the integer 0 there too (+0.0 as a double), which the differential
    // test pins down.
    if (int_digits > 18) return nullptr;
    auto value = static_cast<std::int64_t>(mantissa);
    if (negative) value = -value;
    out->int_value = value;
    out->value = static_cast<double>(value);
    return p;
  }
  // Clinger's fast path for the other forms.
  constexpr std::uint64_t kMaxExactMantissa = std::uint64_t{1} << 53;
  if (digits <= 19 && mantissa <= kMaxExactMantissa && exponent >= -22 && exponent <= 22) {
    double value = static_cast<double>(mantissa);
    value = exponent < 0 ? value / kPowersOfTen[-exponent] : value * kPowersOfTen[exponent];
    // value >= +0: setting the sign bit is the negation (-0.0 included).
    out->value = std::bit_cast<double>(std::bit_cast<std::uint64_t>(value) |
                                       (static_cast<std::uint64_t>(negative) << 63));
    return p;
  }
  // Otherwise std::from_chars, correctly rounded like simdjson's; out of
  // range (1e400, 1e-400) is declined rather than interpreted.
  if (p - start > 64) return nullptr;
  const std::from_chars_result result = std::from_chars(start, p, out->value);
  return result.ec == std::errc() && result.ptr == p ? p : nullptr;
}

}  // namespace driftd::collectors::fast_scan

#endif  // DRIFTD_COLLECTORS_FAST_SCAN_H_
