// Little-endian binary writing and reading for checkpoint snapshots: the
// snapshot frame (daemon/checkpoint_format.h) and the state sections that
// components serialize into it (Pipeline::SerializeState and what it calls).
//
// Encoding: fixed-width little-endian integers; doubles as their IEEE-754
// bits (so NaN payloads and -0.0 survive exactly); strings and byte blocks
// as a u64 length and the bytes. Readers never read past the input: a short
// or malformed input makes ok() false and every later read returns zero
// values, so a caller checks ok() once at the end.
#ifndef DRIFTD_DAEMON_CHECKPOINT_CODEC_H_
#define DRIFTD_DAEMON_CHECKPOINT_CODEC_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace driftd {

// Appends to a string it borrows. Thread-safety: none (a value type).
class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}

  void U8(std::uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void U32(std::uint32_t v) { Fixed(v, 4); }
  void U64(std::uint64_t v) { Fixed(v, 8); }
  void I32(std::int32_t v) { U32(static_cast<std::uint32_t>(v)); }
  void I64(std::int64_t v) { U64(static_cast<std::uint64_t>(v)); }
  void Bool(bool v) { U8(v ? 1 : 0); }
  void F64(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    U64(bits);
  }
  void Bytes(std::string_view v) {
    U64(v.size());
    out_->append(v);
  }
  void Raw(std::string_view v) { out_->append(v); }

 private:
  void Fixed(std::uint64_t v, int width) {
    for (int i = 0; i < width; ++i) out_->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string* out_;
};

// Reads from a view it borrows. Thread-safety: none (a value type).
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  std::uint8_t U8() { return static_cast<std::uint8_t>(Fixed(1)); }
  std::uint32_t U32() { return static_cast<std::uint32_t>(Fixed(4)); }
  std::uint64_t U64() { return Fixed(8); }
  std::int32_t I32() { return static_cast<std::int32_t>(U32()); }
  std::int64_t I64() { return static_cast<std::int64_t>(U64()); }
  // A byte other than 0 or 1 is malformed.
  bool Bool() {
    const std::uint8_t v = U8();
    if (v > 1) ok_ = false;
    return v == 1;
  }
  double F64() {
    const std::uint64_t bits = U64();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  // The view points into the input.
  std::string_view Bytes() {
    const std::uint64_t n = U64();
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string_view v = in_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  std::string String() { return std::string(Bytes()); }
  std::string_view Raw(std::size_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string_view v = in_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  // A count read from input, checked against what is left, so that a
  // corrupt count cannot make the caller reserve gigabytes: each element
  // takes at least min_element_bytes.
  std::uint64_t Count(std::size_t min_element_bytes) {
    const std::uint64_t n = U64();
    if (ok_ && min_element_bytes > 0 && n > remaining() / min_element_bytes) ok_ = false;
    return ok_ ? n : 0;
  }

  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  std::size_t remaining() const { return in_.size() - pos_; }
  void Fail() { ok_ = false; }

 private:
  std::uint64_t Fixed(int width) {
    if (!ok_ || in_.size() - pos_ < static_cast<std::size_t>(width)) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    }
    pos_ += width;
    return v;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_CHECKPOINT_CODEC_H_
