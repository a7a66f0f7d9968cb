"""Results sent as the engine produces them: the first `threshold` bytes (or what came
within STREAM_AFTER_S) are held so small, fast results keep an exact Content-Length,
status and summary; past it the response
switches to chunked transfer with ClickHouse's mid-stream error contract
(`X-ClickHouse-Exception-Tag`, then `__exception__\\r\\n<tag>` ... `<tag>\\r\\n__exception__`).

The engine streams each block as a complete output of its format, so only formats
whose blocks concatenate (no prefix/suffix, or a header line/row-binary header that is
dropped from later blocks) stream; the rest (JSON, Parquet, ...) stay buffered."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

STREAM_THRESHOLD = 1 << 20
# A result still coming in after this long streams even while small, as ClickHouse sends
# blocks as they are produced: a client then sees rows (and a later error mid-stream,
# as clickhouse-connect's own suite expects) instead of waiting for the end.
STREAM_AFTER_S = 0.1
_PLAIN = {"TabSeparated", "TSV", "TabSeparatedRaw", "TSVRaw", "CSV", "JSONEachRow", "JSONCompactEachRow",
          "JSONStringsEachRow", "JSONCompactStringsEachRow", "Native", "RowBinary", "LineAsString", "Raw",
          "NDJSON", "JSONLines", "TabSeparatedRawWithNames"}
_HEADER_LINES = {"TabSeparatedWithNames": 1, "TSVWithNames": 1, "CSVWithNames": 1,
                 "TabSeparatedWithNamesAndTypes": 2, "TSVWithNamesAndTypes": 2, "CSVWithNamesAndTypes": 2,
                 "JSONCompactEachRowWithNames": 1, "JSONCompactEachRowWithNamesAndTypes": 2}
_ROWBINARY_HEADERS = {"RowBinaryWithNames": 1, "RowBinaryWithNamesAndTypes": 2}


def streamable(fmt: str) -> bool:
    return fmt in _PLAIN or fmt in _HEADER_LINES or fmt in _ROWBINARY_HEADERS


def has_header(fmt: str) -> bool:
    return fmt in _HEADER_LINES or fmt in _ROWBINARY_HEADERS


def varint(data: bytes, pos: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def header_length(fmt: str, block: bytes) -> int:
    """Bytes of the per-block header the engine repeats in every streamed block."""
    if fmt in _HEADER_LINES:
        pos = 0
        for _ in range(_HEADER_LINES[fmt]):
            pos = block.index(b"\n", pos) + 1
        return pos
    if fmt in _ROWBINARY_HEADERS:
        n, pos = varint(block, 0)
        for _ in range(n * _ROWBINARY_HEADERS[fmt]):
            size, pos = varint(block, pos)
            pos += size
        return pos
    return 0


def strip_headers(fmt: str, blocks: Iterator[bytes]) -> Iterator[bytes]:
    first = True
    for block in blocks:
        if not block:
            continue
        if first or not has_header(fmt):
            first = False
            yield block
        else:
            yield block[header_length(fmt, block):]


def new_tag() -> str:
    return secrets.token_hex(8)


def exception_block(tag: str, message: bytes) -> bytes:
    text = message.rstrip(b"\n")
    return (b"__exception__\r\n" + tag.encode() + b"\r\n" + text + b"\n" + str(len(text)).encode() + b" "
            + tag.encode() + b"\r\n__exception__\r\n")


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data) if data else b""


LAST_CHUNK = b"0\r\n\r\n"
