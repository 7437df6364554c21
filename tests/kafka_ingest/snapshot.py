"""Reads driftd checkpoint snapshots (layout: daemon/checkpoint_format.h).

An independent reader: the tests check the daemon's files with it, so it
re-implements the layout and CRC-32C from their specification rather than
calling driftd code.
"""

import os
import re
import struct

MAGIC = b"DRIFTDCK"
VERSION = 1
_NAME = re.compile(r"^checkpoint-(\d{20})\.snap$")


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value


class Snapshot:
    def __init__(self, path, taken_at_ns, positions, state):
        self.path = path
        self.taken_at_ns = taken_at_ns
        self.positions = positions  # {(topic, partition): next_offset}
        self.state = state          # bytes: Pipeline::SerializeState

    def offsets(self, topic):
        """{partition: next offset} of one topic."""
        return {p: o for (t, p), o in self.positions.items() if t == topic}


def parse(data, path="<bytes>"):
    """Returns a Snapshot; raises ValueError when the bytes are not one."""
    if len(data) < 28 or data[:8] != MAGIC:
        raise ValueError(f"{path}: not a snapshot")
    version, _, length = struct.unpack_from("<IIQ", data, 8)
    if version != VERSION:
        raise ValueError(f"{path}: version {version}")
    if len(data) != 28 + length:
        raise ValueError(f"{path}: truncated")
    (stored,) = struct.unpack_from("<I", data, 24 + length)
    if crc32c(data[: 24 + length]) != stored:
        raise ValueError(f"{path}: checksum mismatch")
    pos = 24
    (taken_at,) = struct.unpack_from("<q", data, pos)
    pos += 8
    (count,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    positions = {}
    for _ in range(count):
        (n,) = struct.unpack_from("<Q", data, pos)
        pos += 8
        topic = data[pos : pos + n].decode()
        pos += n
        partition, offset = struct.unpack_from("<iq", data, pos)
        pos += 12
        positions[(topic, partition)] = offset
    (n,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    state = data[pos : pos + n]
    pos += n
    if pos != 24 + length:
        raise ValueError(f"{path}: malformed payload")
    return Snapshot(path, taken_at, positions, state)


def snapshot_files(state_dir):
    """Snapshot file paths, newest first."""
    names = [n for n in os.listdir(state_dir) if _NAME.match(n)]
    names.sort(reverse=True)
    return [os.path.join(state_dir, n) for n in names]


def newest(state_dir):
    """The newest valid snapshot, or None. Bad files are skipped, as the
    daemon skips them."""
    for path in snapshot_files(state_dir):
        with open(path, "rb") as f:
            data = f.read()
        try:
            return parse(data, path)
        except (ValueError, struct.error):
            continue
    return None
