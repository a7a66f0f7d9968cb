"""Turn an HTTP request into what the engine needs: SQL text, per-request settings,
query parameters and transport options, following ClickHouse's HTTP interface."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from .errors import BAD_ARGUMENTS, ServerError

# Consumed by the HTTP layer itself; anything else in the URL is a ClickHouse setting
# scoped to this one request.
TRANSPORT_PARAMS = frozenset({
    "query", "database", "default_format", "session_id", "session_timeout", "session_check",
    "query_id", "compress", "decompress", "user", "password", "quota_key", "wait_end_of_query",
    "enable_http_compression", "client_protocol_version", "send_progress_in_http_headers",
    "http_headers_progress_interval_ms", "cancel_http_readonly_queries_on_client_close",
    "buffer_size", "http_response_buffer_size", "role", "stacktrace", "close_session",
    "http_zlib_compression_level", "http_native_compression_disable_checksumming_on_decompress",
    "add_http_cors_header", "http_wait_end_of_query", "max_query_size_http", "query_kind",
})

_TRUE = {"1", "true", "yes", "on"}


def flag(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _TRUE


@dataclass
class RequestSpec:
    method: str
    query_param: str = ""
    settings: dict[str, str] = field(default_factory=dict)
    query_params: dict[str, str] = field(default_factory=dict)
    transport: dict[str, str] = field(default_factory=dict)
    form_body: bool = False  # multipart: the body was a form, not SQL/data
    files: dict[str, bytes] = field(default_factory=dict)  # multipart files: external tables
    form_fields: dict[str, str] = field(default_factory=dict)  # other multipart fields

    @property
    def query_id(self) -> str:
        return self.transport.get("query_id") or str(uuid.uuid4())

    @property
    def database(self) -> str | None:
        return self.transport.get("database") or None

    @property
    def default_format(self) -> str | None:
        return self.transport.get("default_format") or None

    @property
    def session_id(self) -> str | None:
        return self.transport.get("session_id") or None


def param_value(raw: bytes) -> str:
    """A query parameter's bytes as text the engine turns back into the same bytes:
    ClickHouse reads parameter values as escaped strings, so bytes that are not UTF-8
    (Parquet, any binary) become `\\xNN` escapes instead of being mangled."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "".join(chr(b) if b < 0x80 else f"\\x{b:02x}" for b in raw)


def _add(spec: RequestSpec, name: str, value: str) -> None:
    if name.startswith("param_"):
        if any("\udc80" <= c <= "\udcff" for c in value):
            value = param_value(value.encode("utf-8", "surrogateescape"))
        spec.query_params[name[len("param_"):]] = value
    elif name in TRANSPORT_PARAMS:
        if name == "query":
            spec.query_param = value
        else:
            spec.transport[name] = value
    else:
        spec.settings[name] = value


def parse(method: str, query_string: str, headers) -> RequestSpec:
    spec = RequestSpec(method=method)
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, strict_parsing=False, errors="surrogateescape")
    except ValueError as exc:
        raise ServerError(BAD_ARGUMENTS, f"Cannot parse URL parameters: {exc}") from None
    for name, value in pairs:
        if not name.startswith("param_") and any("\udc80" <= c <= "\udcff" for c in name + value):
            raise ServerError(BAD_ARGUMENTS, f"Cannot parse URL parameter {name[:64]!r}: not UTF-8")
        _add(spec, name, value)
    # Header equivalents a real server honours; URL parameters win.
    for header, name in (("X-ClickHouse-Database", "database"), ("X-ClickHouse-Format", "default_format"),
                         ("X-ClickHouse-Quota", "quota_key")):
        value = headers.get(header)
        if value and name not in spec.transport:
            spec.transport[name] = value
    return spec


def is_multipart(headers) -> bool:
    return (headers.get("Content-Type") or "").lower().startswith("multipart/form-data")


def apply_multipart(spec: RequestSpec, content_type: str, body: bytes) -> None:
    """`query` and `param_*` fields; other fields are external tables, which ClickHouse
    takes only with their `<name>_structure`/`<name>_format` companions."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise ServerError(BAD_ARGUMENTS, "Malformed multipart/form-data request body")
    spec.form_body = True
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None and name != "query" and not name.startswith("param_"):
            spec.files[name] = payload
            continue
        if name.startswith("param_"):
            _add(spec, name, param_value(payload))
            continue
        value = payload.decode("utf-8", errors="replace")
        if name == "query":
            spec.query_param = f"{spec.query_param}\n{value}" if spec.query_param else value
        elif name.endswith(("_structure", "_types", "_format")):
            spec.form_fields[name] = value
        else:
            _add(spec, name, value)
