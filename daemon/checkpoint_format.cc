#include "daemon/checkpoint_format.h"

#include <array>

#include "daemon/checkpoint_codec.h"

namespace driftd {
namespace {

// Byte-at-a-time table of the reflected Castagnoli polynomial 0x82F63B78:
// snapshots are written every few seconds at most, so speed matters less
// than a short, obviously correct implementation.
constexpr std::array<std::uint32_t, 256> MakeCrc32cTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr auto kCrc32cTable = MakeCrc32cTable();

// Smallest encoded position: empty topic (8) + partition (4) + offset (8).
constexpr std::size_t kMinPositionBytes = 20;

}  // namespace

std::uint32_t Crc32c(std::string_view data, std::uint32_t crc) {
  crc = ~crc;
  for (unsigned char byte : data) crc = kCrc32cTable[(crc ^ byte) & 0xff] ^ (crc >> 8);
  return ~crc;
}

std::string EncodeSnapshot(const Snapshot& snapshot) {
  std::string payload;
  ByteWriter p(&payload);
  p.I64(snapshot.taken_at.time_since_epoch().count());
  p.U64(snapshot.positions.size());
  for (const auto& pos : snapshot.positions) {
    p.Bytes(pos.topic);
    p.I32(pos.partition);
    p.I64(pos.next_offset);
  }
  p.Bytes(snapshot.state);

  std::string out;
  out.reserve(kSnapshotHeaderBytes + payload.size() + kSnapshotTrailerBytes);
  ByteWriter w(&out);
  w.Raw(kSnapshotMagic);
  w.U32(kSnapshotVersion);
  w.U32(0);
  w.U64(payload.size());
  w.Raw(payload);
  w.U32(Crc32c(out));
  return out;
}

std::optional<std::string> DecodeSnapshot(std::string_view bytes, Snapshot* out) {
  if (bytes.size() < kSnapshotHeaderBytes + kSnapshotTrailerBytes) {
    return "truncated: " + std::to_string(bytes.size()) + " bytes, shorter than a header";
  }
  ByteReader header(bytes);
  if (header.Raw(kSnapshotMagic.size()) != kSnapshotMagic) return "not a driftd snapshot (bad magic)";
  const std::uint32_t version = header.U32();
  if (version != kSnapshotVersion) {
    return "unsupported snapshot version " + std::to_string(version);
  }
  header.U32();  // reserved
  const std::uint64_t length = header.U64();
  const std::uint64_t expected = kSnapshotHeaderBytes + kSnapshotTrailerBytes;
  if (length > bytes.size() || bytes.size() - expected != length) {
    return "truncated or overlong: payload length " + std::to_string(length) + ", file " +
           std::to_string(bytes.size()) + " bytes";
  }
  const std::string_view covered = bytes.substr(0, kSnapshotHeaderBytes + length);
  ByteReader trailer(bytes.substr(covered.size()));
  const std::uint32_t stored = trailer.U32();
  if (Crc32c(covered) != stored) return "checksum mismatch";

  ByteReader p(bytes.substr(kSnapshotHeaderBytes, length));
  Snapshot snapshot;
  snapshot.taken_at = Timestamp(Duration(p.I64()));
  const std::uint64_t n = p.Count(kMinPositionBytes);
  snapshot.positions.reserve(n);
  for (std::uint64_t i = 0; i < n && p.ok(); ++i) {
    collectors::StreamPosition pos;
    pos.topic = p.String();
    pos.partition = p.I32();
    pos.next_offset = p.I64();
    snapshot.positions.push_back(std::move(pos));
  }
  snapshot.state = p.String();
  if (!p.ok() || !p.at_end()) return "malformed payload";
  *out = std::move(snapshot);
  return std::nullopt;
}

}  // namespace driftd
