"""HTTP Content-Encoding in both directions: streaming decoders for request bodies
(several concatenated frames/members are all decoded, as ClickHouse does) and
whole-buffer encoders for responses."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator

import lz4.frame
import zstandard

from .errors import BAD_ARGUMENTS, CANNOT_DECOMPRESS, ServerError

try:  # optional, as in ClickHouse builds without brotli
    import brotli  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

RESPONSE_ENCODINGS = ("zstd", "lz4", "gzip", "deflate") + (("br",) if brotli else ())


class _Framed:
    """Feeds a stream through one decompressor per frame: when a frame ends, the bytes
    after it start the next frame."""

    def __init__(self, name: str, factory: Callable[[], object]):
        self.name, self.factory = name, factory
        self.dec = factory()
        self.fed = False

    def feed(self, data: bytes) -> bytes:
        out = []
        while data:
            self.fed = True
            out.append(self.dec.decompress(data))
            if not self.dec.eof:
                break
            data = self.dec.unused_data
            self.dec, self.fed = self.factory(), False
        return b"".join(out)

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


def decode_stream(encoding: str | None, chunks: Iterable[bytes]) -> Iterator[bytes]:
    enc = (encoding or "").strip().lower()
    if enc in ("", "identity", "none"):
        yield from chunks
        return
    if enc == "br":
        yield b"".join(_brotli_factory().process(c) for c in chunks)
        return
    make = _DECODERS.get(enc)
    if make is None:
        raise ServerError(BAD_ARGUMENTS, f"Unknown HTTP Content-Encoding: {enc}")
    framed = make()
    for chunk in chunks:
        try:
            out = framed.feed(chunk)
        except ServerError:
            raise
        except Exception as exc:  # each library has its own error type
            raise ServerError(CANNOT_DECOMPRESS, f"Cannot decompress {enc} request body: {exc}") from exc
        if out:
            yield out
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
