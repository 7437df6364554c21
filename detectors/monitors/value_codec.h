// Encoding of event Values and optional numbers for the monitors' state
// (AppendTo / Parse), in the little-endian format of detectors/sketch/bytes.h.
#ifndef DRIFTD_DETECTORS_MONITORS_VALUE_CODEC_H_
#define DRIFTD_DETECTORS_MONITORS_VALUE_CODEC_H_

#include <optional>
#include <string>
#include <string_view>

#include "detectors/event.h"
#include "detectors/sketch/bytes.h"

namespace driftd::detectors::codec {

inline void AppendValue(std::string* out, const Value& v) {
  if (const double* d = std::get_if<double>(&v)) {
    bytes::AppendU8(out, 1);
    bytes::AppendF64(out, *d);
  } else if (const std::string* s = std::get_if<std::string>(&v)) {
    bytes::AppendU8(out, 2);
    bytes::AppendString(out, *s);
  } else {
    bytes::AppendU8(out, 0);
  }
}

[[nodiscard]] inline bool ReadValue(std::string_view* in, Value* v) {
  std::uint8_t tag = 0;
  if (!bytes::ReadU8(in, &tag)) return false;
  if (tag == 0) {
    *v = Missing{};
    return true;
  }
  if (tag == 1) {
    double d = 0;
    if (!bytes::ReadF64(in, &d)) return false;
    *v = d;
    return true;
  }
  if (tag == 2) {
    std::string s;
    if (!bytes::ReadString(in, &s)) return false;
    *v = std::move(s);
    return true;
  }
  return false;
}

inline void AppendOptional(std::string* out, const std::optional<double>& v) {
  bytes::AppendU8(out, v ? 1 : 0);
  bytes::AppendF64(out, v.value_or(0.0));
}

[[nodiscard]] inline bool ReadOptional(std::string_view* in, std::optional<double>* v) {
  std::uint8_t has = 0;
  double d = 0;
  if (!bytes::ReadU8(in, &has) || !bytes::ReadF64(in, &d)) return false;
  *v = has != 0 ? std::optional<double>(d) : std::nullopt;
  return true;
}

inline void AppendTimestamp(std::string* out, Timestamp t) {
  bytes::AppendU64(out, static_cast<std::uint64_t>(t.time_since_epoch().count()));
}

[[nodiscard]] inline bool ReadTimestamp(std::string_view* in, Timestamp* t) {
  std::uint64_t v = 0;
  if (!bytes::ReadU64(in, &v)) return false;
  *t = Timestamp(Duration(static_cast<Duration::rep>(v)));
  return true;
}

}  // namespace driftd::detectors::codec

#endif  // DRIFTD_DETECTORS_MONITORS_VALUE_CODEC_H_
