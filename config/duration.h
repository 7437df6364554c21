// Text forms of durations and byte sizes used by driftd's configuration.
//
// Durations follow the Go / Prometheus style: one or more <number><unit>
// terms with no spaces, units in strictly decreasing order, e.g. "500ms",
// "15s", "1h30m", "30d", "2w". Units: ns, us (or µs), ms, s, m, h, d (24h),
// w (7d). A term's number may carry a decimal fraction ("1.5h"). "0" alone
// is the zero duration. Negative durations do not exist here.
//
// Sizes are a non-negative integer optionally followed by a unit: B, IEC
// (KiB, MiB, GiB, TiB: powers of 1024) or SI (kB/KB, MB, GB, TB: powers of
// 1000), e.g. "512", "64KiB", "10kB". No spaces, no fractions.
//
// All functions are pure and thread-safe.
#ifndef DRIFTD_CONFIG_DURATION_H_
#define DRIFTD_CONFIG_DURATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace driftd::config {

// Returns the duration written in `text`, or nullopt when `text` is not a
// valid duration (empty, unknown unit, units out of order or repeated,
// missing number, sign, or a value beyond about 292 years).
[[nodiscard]] std::optional<Duration> ParseDuration(std::string_view text);

// Formats `d` in the syntax ParseDuration reads, largest units first, e.g.
// 5400s -> "1h30m", 0 -> "0s", -2s -> "-2s" (negative only for messages).
// For d >= 0, ParseDuration(FormatDuration(d)) == d.
std::string FormatDuration(Duration d);

// Returns the number of bytes written in `text`, or nullopt when `text` is
// not a valid size or does not fit in 64 bits.
[[nodiscard]] std::optional<std::uint64_t> ParseSize(std::string_view text);

// Formats `bytes` with the largest IEC unit that divides it exactly,
// e.g. 65536 -> "64KiB", 1000 -> "1000B". ParseSize reads it back.
std::string FormatSize(std::uint64_t bytes);

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_DURATION_H_
