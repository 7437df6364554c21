// The checkpoint snapshot file: what it holds and its byte layout.
//
// A snapshot pairs the daemon's state with the source positions it covers:
// the state is the effect of exactly the messages before each position.
//
// Layout (all integers little-endian):
//   offset  size  field
//   0       8     magic "DRIFTDCK"
//   8       4     format version (kSnapshotVersion)
//   12      4     reserved, 0
//   16      8     payload length L
//   24      L     payload
//   24+L    4     CRC32C (Castagnoli, reflected, as in RFC 3720) of bytes [0, 24+L)
// The file is exactly 28 + L bytes; anything else is truncated or corrupt.
// Payload:
//   i64 taken_at, nanoseconds since the Unix epoch
//   u64 n, then n positions: u64 length + topic bytes, i32 partition,
//       i64 next offset
//   u64 length + the pipeline state (Pipeline::SerializeState)
#ifndef DRIFTD_DAEMON_CHECKPOINT_FORMAT_H_
#define DRIFTD_DAEMON_CHECKPOINT_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/stream_position.h"
#include "detectors/time.h"

namespace driftd {

inline constexpr std::string_view kSnapshotMagic = "DRIFTDCK";
inline constexpr std::uint32_t kSnapshotVersion = 1;
inline constexpr std::size_t kSnapshotHeaderBytes = 24;
inline constexpr std::size_t kSnapshotTrailerBytes = 4;

struct Snapshot {
  Timestamp taken_at{};
  collectors::StreamPositions positions;
  std::string state;  // opaque here: Pipeline::SerializeState's bytes
};

// CRC-32C of data, continuing from crc (0 to start).
std::uint32_t Crc32c(std::string_view data, std::uint32_t crc = 0);

std::string EncodeSnapshot(const Snapshot& snapshot);

// Decodes a whole file's bytes. Returns nullopt on success, else why the
// bytes are not a snapshot (bad magic, unknown version, truncated, checksum
// mismatch, malformed payload).
[[nodiscard]] std::optional<std::string> DecodeSnapshot(std::string_view bytes, Snapshot* out);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_CHECKPOINT_FORMAT_H_
