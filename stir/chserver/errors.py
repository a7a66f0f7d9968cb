"""ClickHouse-shaped errors: `Code: N. DB::Exception: msg (NAME) (version V)` bodies,
the X-ClickHouse-Exception-Code header and the HTTP status a real server picks."""

from __future__ import annotations

import re

ENGINE_VERSION = "26.9.2.1"  # replaced at startup by the engine's own version()

SYNTAX_ERROR = (62, "SYNTAX_ERROR")
UNKNOWN_FORMAT = (73, "UNKNOWN_FORMAT")
UNKNOWN_SETTING = (115, "UNKNOWN_SETTING")
CANNOT_READ_ALL_DATA = (33, "CANNOT_READ_ALL_DATA")
BAD_ARGUMENTS = (36, "BAD_ARGUMENTS")
NOT_IMPLEMENTED = (48, "NOT_IMPLEMENTED")
CANNOT_DECOMPRESS = (271, "CANNOT_DECOMPRESS")
SESSION_NOT_FOUND = (372, "SESSION_NOT_FOUND")
SESSION_IS_LOCKED = (373, "SESSION_IS_LOCKED")
INVALID_SESSION_TIMEOUT = (374, "INVALID_SESSION_TIMEOUT")
HTTP_LENGTH_REQUIRED = (381, "HTTP_LENGTH_REQUIRED")
READONLY = (164, "READONLY")
UNKNOWN_EXCEPTION = (1002, "UNKNOWN_EXCEPTION")
DATABASE_ACCESS_DENIED = (291, "DATABASE_ACCESS_DENIED")
ACCESS_DENIED = (497, "ACCESS_DENIED")
AUTHENTICATION_FAILED = (516, "AUTHENTICATION_FAILED")
REQUIRED_PASSWORD = (194, "REQUIRED_PASSWORD")
TOO_LARGE_REQUEST = (1000, "POCO_EXCEPTION")  # ClickHouse reports an oversized HTTP form/body this way
QUERY_WAS_CANCELLED = (394, "QUERY_WAS_CANCELLED")

# ClickHouse's exceptionCodeToHTTPStatus, minus the 503/504 it uses for timeouts:
# clients retry those, and a retried DDL or INSERT is worse than a clear failure.
_BAD_REQUEST = {
    6, 25, 26, 27, 32, 33, 36, 38, 41, 43, 44, 53, 62, 69, 70, 72, 117, 130, 131, 167, 168, 169, 170,
    262, 271, 374, 381,
}
_NOT_FOUND = {46, 47, 50, 56, 60, 63, 71, 73, 81, 115, 336, 372}
_STATUS = {1000: 413, 291: 403, 193: 403, 192: 403, 194: 403, 195: 403, 516: 403, 497: 403, 164: 403, 48: 501, 202: 500, 373: 500}


class ServerError(Exception):
    def __init__(self, code_name: tuple[int, str], message: str):
        super().__init__(message)
        self.code, self.name = code_name
        self.message = message

    @property
    def http_status(self) -> int:
        return http_status(self.code)

    def body(self) -> bytes:
        return f"Code: {self.code}. DB::Exception: {self.message}. ({self.name}) (version {ENGINE_VERSION})\n".encode()


class EngineError(ServerError):
    """An error the engine raised, re-rendered exactly once in the server's format."""

    def __init__(self, code: int, name: str, message: str):
        super().__init__((code, name), message)

    def body(self) -> bytes:
        return f"Code: {self.code}. DB::Exception: {self.message} ({self.name}) (version {ENGINE_VERSION})\n".encode()


def http_status(code: int) -> int:
    if code in _BAD_REQUEST:
        return 400
    if code in _NOT_FOUND:
        return 404
    return _STATUS.get(code, 500)


_PREFIX = re.compile(r"Code: (\d+)\. DB::Exception: ")
_TAIL = re.compile(r"\s*\(([A-Z][A-Z0-9_]+)\)(?: \(version [^)]*\))?", re.S)


def from_engine(exc: BaseException) -> ServerError:
    """chDB nests the same error several times and prefixes streaming-insert errors;
    keep the innermost message once, with its code and name."""
    text = str(exc)
    prefixes = list(_PREFIX.finditer(text))
    if not prefixes:
        return ServerError(UNKNOWN_EXCEPTION, text.strip() or type(exc).__name__)
    code = int(prefixes[-1].group(1))
    rest = text[prefixes[-1].end():]
    tail = _TAIL.search(rest)
    if tail is None:
        return EngineError(code, "UNKNOWN_EXCEPTION", rest.strip())
    return EngineError(code, tail.group(1), rest[: tail.start()].rstrip())
