// Little-endian binary encoding helpers shared by the summaries' AppendTo /
// Parse. Readers take a std::string_view* that they advance past what they
// consumed; on failure (input too short) they return false and the caller
// discards the partially parsed object. The format carries no version: the
// checkpoint writer versions the whole snapshot.
#ifndef DRIFTD_DETECTORS_SKETCH_BYTES_H_
#define DRIFTD_DETECTORS_SKETCH_BYTES_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace driftd::detectors::bytes {

inline void AppendU64(std::string* out, std::uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out->append(buf, 8);
}
inline void AppendU32(std::string* out, std::uint32_t v) {
  char buf[4];
  for (int i = 0; i < 4; ++i) buf[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out->append(buf, 4);
}
inline void AppendU8(std::string* out, std::uint8_t v) { out->push_back(static_cast<char>(v)); }
// Bit-exact: NaN payloads and signed zeros survive a round trip.
inline void AppendF64(std::string* out, double v) { AppendU64(out, std::bit_cast<std::uint64_t>(v)); }
// u32 length, then the bytes. REQUIRES: s.size() < 2^32.
inline void AppendString(std::string* out, std::string_view s) {
  AppendU32(out, static_cast<std::uint32_t>(s.size()));
  out->append(s);
}

[[nodiscard]] inline bool ReadU64(std::string_view* in, std::uint64_t* v) {
  if (in->size() < 8) return false;
  std::uint64_t r = 0;
  for (int i = 0; i < 8; ++i) r |= std::uint64_t{static_cast<unsigned char>((*in)[i])} << (8 * i);
  *v = r;
  in->remove_prefix(8);
  return true;
}
[[nodiscard]] inline bool ReadU32(std::string_view* in, std::uint32_t* v) {
  if (in->size() < 4) return false;
  std::uint32_t r = 0;
  for (int i = 0; i < 4; ++i) r |= std::uint32_t{static_cast<unsigned char>((*in)[i])} << (8 * i);
  *v = r;
  in->remove_prefix(4);
  return true;
}
[[nodiscard]] inline bool ReadU8(std::string_view* in, std::uint8_t* v) {
  if (in->empty()) return false;
  *v = static_cast<std::uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return true;
}
[[nodiscard]] inline bool ReadF64(std::string_view* in, double* v) {
  std::uint64_t bits = 0;
  if (!ReadU64(in, &bits)) return false;
  *v = std::bit_cast<double>(bits);
  return true;
}
[[nodiscard]] inline bool ReadString(std::string_view* in, std::string* s) {
  std::uint32_t n = 0;
  if (!ReadU32(in, &n) || in->size() < n) return false;
  s->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}
// True when `count` items of `item_bytes` each can still be read: guards
// allocations sized from untrusted input.
inline bool HasRoomFor(std::string_view in, std::uint64_t count, std::uint64_t item_bytes) {
  return item_bytes == 0 || count <= in.size() / item_bytes;
}

}  // namespace driftd::detectors::bytes

#endif  // DRIFTD_DETECTORS_SKETCH_BYTES_H_
