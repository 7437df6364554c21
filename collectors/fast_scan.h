// Word-at-a-time scanning helpers of the fast event parser
// (collectors/fast_event_parser.cc): short-text equality and runs of ASCII
// digits. Inline so that the parser's loops keep them in registers.
// Internal to collectors/.
#ifndef DRIFTD_COLLECTORS_FAST_SCAN_H_
#define DRIFTD_COLLECTORS_FAST_SCAN_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace driftd::collectors::fast_scan {

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

}  // namespace driftd::collectors::fast_scan

#endif  // DRIFTD_COLLECTORS_FAST_SCAN_H_
