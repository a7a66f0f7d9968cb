"""HTTP Content-Encoding in both directions: streaming decoders for request bodies
(several concatenated frames/members are all decoded, as ClickHouse does) and
whole-buffer encoders for responses."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator

import lz4.frame
import zstandard

from .errors import BAD_ARGUMENTS, CANNOT_DECOMPRESS, TOO_LARGE_REQUEST, ServerError

try:  # optional, as in ClickHouse builds without brotli
    import brotli  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

RESPONSE_ENCODINGS = ("zstd", "lz4", "gzip", "deflate") + (("br",) if brotli else ())


_MIN_SLICE, _MAX_SLICE, _OUT_TARGET = 256, 1 << 20, 4 << 20


class _Framed:
    """Feeds a stream through one decompressor per frame: when a frame ends, the bytes
    after it start the next frame."""

    def __init__(self, name: str, factory: Callable[[], object]):
        self.name, self.factory = name, factory
        self.dec = factory()
        self.fed = False
        self.slice = _MIN_SLICE

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decompress in input slices sized from the ratio seen so far, so one call never
        expands a small input into a huge buffer (a compression bomb is refused by the
        caller's size cap after a few MiB, not after it filled memory)."""
        view = memoryview(data)
        while view:
            piece, view = view[:self.slice], view[self.slice:]
            while piece:
                self.fed = True
                out = self.dec.decompress(bytes(piece))
                ratio = len(out) // max(1, len(piece))
                self.slice = max(_MIN_SLICE, min(_MAX_SLICE, _OUT_TARGET // max(1, ratio)))
                if out:
                    yield out
                if not self.dec.eof:
                    break
                piece = memoryview(self.dec.unused_data or b"")
                self.dec, self.fed = self.factory(), False

    def close(self) -> None:
        if self.fed and not self.dec.eof:
            raise ServerError(CANNOT_DECOMPRESS, f"Unexpected end of {self.name}-compressed request body")


def _zlib(wbits: int) -> Callable[[], object]:
    return lambda: zlib.decompressobj(wbits)


def _brotli_factory() -> object:
    if brotli is None:
        raise ServerError(BAD_ARGUMENTS, "Unknown HTTP Content-Encoding: br (brotli is not available)")
    return brotli.Decompressor()


_DECODERS: dict[str, Callable[[], _Framed]] = {
    "lz4": lambda: _Framed("lz4", lz4.frame.LZ4FrameDecompressor),
    "zstd": lambda: _Framed("zstd", lambda: zstandard.ZstdDecompressor().decompressobj()),
    "gzip": lambda: _Framed("gzip", _zlib(16 + zlib.MAX_WBITS)),
    "x-gzip": lambda: _Framed("gzip", _zlib(16 + zlib.MAX_WBITS)),
    "deflate": lambda: _Framed("deflate", _zlib(32 + zlib.MAX_WBITS)),
}


def decode_stream(encoding: str | None, chunks: Iterable[bytes], limit: int | None = None) -> Iterator[bytes]:
    """Decoded body chunks; more than `limit` decoded bytes is refused as soon as it is
    seen (checked while streaming, never after buffering)."""
    return capped(_decode(encoding, chunks), limit)


def capped(chunks: Iterable[bytes], limit: int | None) -> Iterator[bytes]:
    total = 0
    for out in chunks:
        total += len(out)
        if limit is not None and total > limit:
            raise ServerError(TOO_LARGE_REQUEST, f"Decompressed request body exceeds {limit} bytes "
                                                 "(server option --max-body-size)")
        yield out


def _decode(encoding: str | None, chunks: Iterable[bytes]) -> Iterator[bytes]:
    enc = (encoding or "").strip().lower()
    if enc in ("", "identity", "none"):
        yield from chunks
        return
    if enc == "br":
        dec = _brotli_factory()
        for c in chunks:
            yield dec.process(c)
        return
    make = _DECODERS.get(enc)
    if make is None:
        raise ServerError(BAD_ARGUMENTS, f"Unknown HTTP Content-Encoding: {enc}")
    framed = make()
    for chunk in chunks:
        try:
            yield from framed.feed(chunk)
        except ServerError:
            raise
        except Exception as exc:  # each library has its own error type
            raise ServerError(CANNOT_DECOMPRESS, f"Cannot decompress {enc} request body: {exc}") from exc
    framed.close()


def choose_response_encoding(accept_encoding: str | None) -> str | None:
    """The first encoding in the client's list that we can produce."""
    if not accept_encoding:
        return None
    for item in accept_encoding.split(","):
        name = item.split(";")[0].strip().lower()
        if name in RESPONSE_ENCODINGS:
            return name
    return None


def encode(encoding: str, data: bytes, level: int | None = None) -> bytes:
    if encoding == "lz4":
        return lz4.frame.compress(data, compression_level=level or 0)
    if encoding == "zstd":
        return zstandard.ZstdCompressor(level=level or 1).compress(data)
    if encoding == "gzip":
        co = zlib.compressobj(level or 3, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return co.compress(data) + co.flush()
    if encoding == "deflate":
        return zlib.compress(data, level or 3)
    if encoding == "br" and brotli is not None:
        return brotli.compress(data, quality=level or 3)
    raise ServerError(BAD_ARGUMENTS, f"Unknown HTTP compression method: {encoding}")


class _Encoder:
    """Incremental response compression: each `compress` returns bytes a client can
    decode at once (a sync-flushed block), `finish` closes the stream."""

    def __init__(self, encoding: str, level: int | None):
        self.encoding = encoding
        if encoding in ("gzip", "deflate"):
            wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
            self._co = zlib.compressobj(level or 3, zlib.DEFLATED, wbits)
            self._step = lambda d: self._co.compress(d) + self._co.flush(zlib.Z_SYNC_FLUSH)
            self._end = lambda: self._co.flush()
        elif encoding == "zstd":
            self._co = zstandard.ZstdCompressor(level=level or 1).compressobj()
            self._step = lambda d: self._co.compress(d) + self._co.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
            self._end = lambda: self._co.flush()
        elif encoding == "lz4":
            self._co = lz4.frame.LZ4FrameCompressor(compression_level=level or 0)
            self._started = False
            self._step = self._lz4_step
            self._end = lambda: (b"" if self._started else self._co.begin()) + self._co.flush()
        elif encoding == "br" and brotli is not None:
            self._co = brotli.Compressor(quality=level or 3)
            self._step = lambda d: self._co.process(d) + self._co.flush()
            self._end = lambda: self._co.finish()
        else:
            raise ServerError(BAD_ARGUMENTS, f"Unknown HTTP compression method: {encoding}")

    def _lz4_step(self, data: bytes) -> bytes:
        head = b"" if self._started else self._co.begin()
        self._started = True
        return head + self._co.compress(data)

    def compress(self, data: bytes) -> bytes:
        return self._step(data)

    def finish(self) -> bytes:
        return self._end()


def encoder(encoding: str, level: int | None = None) -> _Encoder:
    return _Encoder(encoding, level)
