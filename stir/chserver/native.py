"""ClickHouse's own block compression over HTTP (`compress=1` for responses,
`decompress=1` for request bodies): blocks of 16-byte CityHash128 checksum, a method
byte (0x82 LZ4, 0x90 ZSTD, 0x02 none), compressed size (with the 9-byte header) and
uncompressed size, both UInt32 little-endian, then the data."""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

import lz4.block
import zstandard
from clickhouse_cityhash.cityhash import CityHash128

from .errors import CANNOT_DECOMPRESS, ServerError

NONE, LZ4, ZSTD = 0x02, 0x82, 0x90
HEADER = 9
BLOCK_SIZE = 1 << 20  # ClickHouse's max_compress_block_size
MAX_BLOCK = 1 << 30  # ClickHouse refuses compressed blocks above 1 GiB


def _checksum(block: bytes) -> bytes:
    # clickhouse-cityhash returns (first << 64) | second; ClickHouse stores first, then second
    value = CityHash128(block)
    return struct.pack("<QQ", value >> 64, value & 0xFFFFFFFFFFFFFFFF)


def compress_block(data: bytes, method: int = LZ4) -> bytes:
    if method == LZ4:
        body = lz4.block.compress(data, store_size=False)
    elif method == ZSTD:
        body = zstandard.ZstdCompressor(level=1).compress(data)
    else:
        body = data
    block = struct.pack("<BII", method, HEADER + len(body), len(data)) + body
    return _checksum(block) + block


class Encoder:
    """Response side: bytes in, whole compressed blocks out (at most BLOCK_SIZE each)."""

    def __init__(self, method: int = LZ4):
        self.method = method
        self.pending = bytearray()

    def compress(self, data: bytes) -> bytes:
        self.pending += data
        out = []
        while len(self.pending) >= BLOCK_SIZE:
            out.append(compress_block(bytes(self.pending[:BLOCK_SIZE]), self.method))
            del self.pending[:BLOCK_SIZE]
        return b"".join(out)

    def finish(self) -> bytes:
        out = compress_block(bytes(self.pending), self.method) if self.pending else b""
        self.pending.clear()
        return out


def compress(data: bytes, method: int = LZ4) -> bytes:
    enc = Encoder(method)
    return enc.compress(data) + enc.finish()


def _decompress(method: int, body: bytes, size: int) -> bytes:
    if method == LZ4:
        return lz4.block.decompress(body, uncompressed_size=size)
    if method == ZSTD:
        return zstandard.ZstdDecompressor().decompress(body, max_output_size=size)
    if method == NONE:
        return body
    raise ServerError(CANNOT_DECOMPRESS, f"Unknown compression method byte 0x{method:02x}")


def decode_stream(chunks: Iterable[bytes], verify: bool = True) -> Iterator[bytes]:
    """Request side: parse blocks as the body arrives, checking each checksum."""
    buf = bytearray()
    for chunk in chunks:
        buf += chunk
        while len(buf) >= 16 + HEADER:
            method, size_with_header, size = struct.unpack_from("<BII", buf, 16)
            if size_with_header < HEADER or size_with_header > MAX_BLOCK or size > MAX_BLOCK:
                raise ServerError(CANNOT_DECOMPRESS, f"Too large or broken compressed block ({size_with_header} "
                                                     f"bytes compressed, {size} uncompressed)")
            end = 16 + size_with_header
            if len(buf) < end:
                break
            block = bytes(buf[16:end])
            if verify and _checksum(block) != bytes(buf[:16]):
                raise ServerError(CANNOT_DECOMPRESS, "Checksum doesn't match: corrupted data")
            del buf[:end]
            try:
                data = _decompress(method, block[HEADER:], size)
            except ServerError:
                raise
            except Exception as exc:
                raise ServerError(CANNOT_DECOMPRESS, f"Cannot decompress block: {exc}") from None
            if len(data) != size:
                raise ServerError(CANNOT_DECOMPRESS, "Decompressed size differs from the block header")
            yield data
    if buf:
        raise ServerError(CANNOT_DECOMPRESS, f"Unexpected end of compressed body ({len(buf)} trailing bytes)")
