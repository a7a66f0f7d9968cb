"""Deterministic sample images: the same path always yields the same valid PNG."""

from __future__ import annotations

import hashlib
import struct
import zlib

SIZE = 16  # pixels per side; 4x4 blocks of 4x4 pixels


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png_for(path: str) -> bytes:
    """A 16x16 RGB PNG whose 16 colour blocks come from sha256(path)."""
    digest = hashlib.sha256(path.encode()).digest()
    digest += hashlib.sha256(digest).digest()  # 64 bytes: 16 blocks x 3 channels fit
    rows = []
    for y in range(SIZE):
        row = bytearray([0])  # filter type None
        for x in range(SIZE):
            block = (y // 4) * 4 + x // 4
            row += digest[block * 3: block * 3 + 3]
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
