"""Raw request bodies: Content-Length or chunked transfer encoding, read lazily so
large INSERTs stream into the engine instead of being held in memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from .errors import CANNOT_READ_ALL_DATA, HTTP_LENGTH_REQUIRED, ServerError

CHUNK = 1 << 20
_MAX_LINE = 4096


class Body:
    """Iterate once over the raw (still content-encoded) body. `complete` tells the
    handler whether the connection can be reused afterwards."""

    def __init__(self, rfile: BinaryIO, headers):
        self.rfile = rfile
        te = (headers.get("Transfer-Encoding") or "").lower()
        self.chunked = "chunked" in te
        lengths = headers.get_all("Content-Length") or []
        # One framing only (RFC 9112 6.3): a duplicate, conflicting, negative or non-numeric
        # Content-Length, or one next to chunked, is how requests get smuggled; refuse them
        # (the handler then closes the connection, since the body's end is unknown).
        if len(lengths) > 1 or (lengths and self.chunked):
            raise ServerError(HTTP_LENGTH_REQUIRED, "Conflicting request framing: "
                              f"{len(lengths)} Content-Length header(s){' and chunked' if self.chunked else ''}")
        if te and te.strip() != "chunked":
            raise ServerError(HTTP_LENGTH_REQUIRED, f"Unsupported Transfer-Encoding: {te[:64]!r}")
        self.remaining = 0
        if lengths:
            text = lengths[0].strip()
            if not text.isdigit() or not text.isascii():
                raise ServerError(HTTP_LENGTH_REQUIRED, f"Invalid Content-Length: {text[:32]!r}")
            self.remaining = int(text)
        self.complete = not self.chunked and self.remaining == 0
        self._gen: Iterator[bytes] | None = None

    def __iter__(self) -> Iterator[bytes]:
        if self._gen is None:
            self._gen = self._read()
        return self._gen

    def _read(self) -> Iterator[bytes]:
        yield from (self._chunked() if self.chunked else self._sized())
        self.complete = True

    def _sized(self) -> Iterator[bytes]:
        while self.remaining > 0:
            data = self.rfile.read(min(CHUNK, self.remaining))
            if not data:
                raise ServerError(CANNOT_READ_ALL_DATA,
                                  f"Request body ended early: {self.remaining} bytes missing")
            self.remaining -= len(data)
            yield data

    def _line(self) -> bytes:
        line = self.rfile.readline(_MAX_LINE)
        if not line.endswith(b"\n"):
            raise ServerError(CANNOT_READ_ALL_DATA, "Unexpected end of chunked request body")
        return line

    def _chunked(self) -> Iterator[bytes]:
        while True:
            size_text = self._line().split(b";")[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ServerError(CANNOT_READ_ALL_DATA, f"Malformed chunk size {size_text[:32]!r}") from None
            if size == 0:
                while self._line() not in (b"\r\n", b"\n"):
                    pass  # trailers carry nothing we use
                return
            while size > 0:
                data = self.rfile.read(min(CHUNK, size))
                if not data:
                    raise ServerError(CANNOT_READ_ALL_DATA, "Unexpected end of chunked request body")
                size -= len(data)
                yield data
            if self._line().strip():
                raise ServerError(CANNOT_READ_ALL_DATA, "Chunk is not followed by CRLF")

    def drain(self, limit: int = 64 << 20) -> bool:
        """Consume what is left so the connection can serve the next request; give up
        (and let the caller close) on broken or huge bodies."""
        if self.complete:
            return True
        try:
            total = 0
            for chunk in self:
                total += len(chunk)
                if total > limit:
                    return False
        except ServerError:
            return False
        return self.complete  # False when an earlier read already failed mid-body
