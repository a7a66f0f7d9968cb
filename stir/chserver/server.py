"""ClickHouse's HTTP interface in front of the embedded engine: one thread per client
connection, HTTP/1.1 keep-alive, fully buffered results so an error never follows a
200 status line."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import chain
from urllib.parse import urlsplit

from . import codecs, request
from .body import Body
from .engine import Engine
from .errors import NOT_IMPLEMENTED, READONLY, SYNTAX_ERROR, UNKNOWN_EXCEPTION, ServerError
from .execute import Outcome, run_insert, run_query
from .scope import finish_session, prepare_fresh, prepare_session
from .sessions import SessionStore, parse_timeout
from .sqltext import analyse

log = logging.getLogger("stir.chserver")

_CONTENT_TYPES = {
    "TabSeparated": "text/tab-separated-values; charset=UTF-8", "TSV": "text/tab-separated-values; charset=UTF-8",
    "CSV": "text/csv; charset=UTF-8; header=absent", "CSVWithNames": "text/csv; charset=UTF-8; header=present",
    "JSON": "application/json; charset=UTF-8", "JSONCompact": "application/json; charset=UTF-8",
    "JSONEachRow": "application/x-ndjson; charset=UTF-8", "Native": "application/octet-stream",
    "RowBinary": "application/octet-stream", "Parquet": "application/octet-stream",
    "Arrow": "application/octet-stream", "ArrowStream": "application/octet-stream",
}
_OK_PATHS = ("/ping", "/replicas_status")
# What a read-only request may run (ClickHouse's readonly=1/2 check, applied by the
# server on session connections, where the engine setting could never be undone).
_READ_KINDS = frozenset({"SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN", "CHECK", "USE", "SET",
                         "(", ""})
_QUERY_PATHS = ("/", "/query")


class ChServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold up shutdown
    allow_reuse_address = True  # TIME_WAIT from a previous run must not block a restart
    request_queue_size = 128

    def __init__(self, address, engine: Engine, keep_alive_timeout: float = 300.0):
        self.engine = engine
        self.sessions: SessionStore | None = None
        self.keep_alive_timeout = keep_alive_timeout
        self.display_name = socket.gethostname()
        self.active = 0
        self._active_lock = threading.Condition()
        super().__init__(address, Handler, bind_and_activate=True)

    def start_sessions(self) -> None:
        self.sessions = SessionStore(self.engine.connect)

    def get_request(self):
        sock, addr = super().get_request()
        # Without NODELAY every small response waits on the peer's delayed ACK (~40 ms).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, addr

    def track(self, delta: int) -> None:
        with self._active_lock:
            self.active += delta
            self._active_lock.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._active_lock:
            return self._active_lock.wait_for(lambda: self.active == 0, timeout)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ClickHouse"
    sys_version = ""
    server: ChServer

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.keep_alive_timeout)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's signature
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_PUT(self) -> None:
        self._handle("POST")

    def do_OPTIONS(self) -> None:
        self._send(204, b"", {"Allow": "GET, POST, HEAD, OPTIONS"})

    # -- request flow ------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        started = time.perf_counter()
        self.server.track(1)
        url = urlsplit(self.path)
        if log.isEnabledFor(logging.DEBUG):
            # The URL path only: a ?query= may carry s3() credentials, which a server must not log.
            log.debug("%s %s accept-encoding=%s", method, url.path, self.headers.get("Accept-Encoding"))
        query_id, status, rows, code = "", 200, 0, "-"
        self._out_encoding = "-"
        self._timezone: str | None = None
        body: Body | None = None
        try:
            body = Body(self.rfile, self.headers)
            if url.path in _OK_PATHS or (url.path == "/" and method in ("GET", "HEAD") and not url.query):
                body.drain()
                self._send(200, b"Ok.\n", {"Content-Type": "text/html; charset=UTF-8"})
                return
            if url.path not in _QUERY_PATHS:
                body.drain()
                status = 404
                self._send(404, f"There is no handle {url.path}\n\nUse / or /ping for health checks.\n".encode(),
                           {"Content-Type": "text/plain; charset=UTF-8"})
                return
            spec = request.parse(method, url.query, self.headers)
            query_id = spec.query_id
            self._timezone = spec.settings.get("session_timezone")
            outcome = self._execute(method, spec, body)
            rows = outcome.rows
            self._send_outcome(spec, query_id, outcome)
        except ServerError as err:
            status, code = err.http_status, f"{err.code}:{err.name}"
            self._send_error(err, query_id, body)
        except Exception as exc:  # an engine or server bug must still produce a ClickHouse-style error
            log.exception("unexpected error handling %s", url.path)
            err = ServerError(UNKNOWN_EXCEPTION, f"{type(exc).__name__}: {exc}")
            status, code = err.http_status, f"{err.code}:{err.name}"
            self._send_error(err, query_id, body)
        finally:
            self.server.track(-1)
            log.info("%s %s query_id=%s %.1f ms rows=%d status=%d code=%s enc=%s/%s", method, url.path,
                     query_id or "-", (time.perf_counter() - started) * 1000, rows, status, code,
                     self.headers.get("Content-Encoding") or "-", self._out_encoding)

    def _execute(self, method: str, spec: request.RequestSpec, body: Body) -> Outcome:
        for name in ("compress", "decompress"):
            if request.flag(spec.transport.get(name)):
                raise ServerError(NOT_IMPLEMENTED, f"{name}=1 (ClickHouse-native block compression over HTTP) is not "
                                                   "supported by this server; use Content-Encoding / Accept-Encoding")
        chunks = codecs.decode_stream(self.headers.get("Content-Encoding"), body)
        if request.is_multipart(self.headers):
            request.apply_multipart(spec, self.headers["Content-Type"], b"".join(chunks))
            chunks = iter(())
        qp = spec.query_param
        if qp:
            stmt = analyse(qp)
            if stmt.is_insert_with_data:
                inline = qp[stmt.data_offset:]
                data = chain([inline.encode() + b"\n"] if inline.strip() else [], chunks)
                return self._on_connection(method, spec, lambda conn: run_insert(conn, stmt, data), stmt.kind)
            rest = b"".join(chunks)
            sql = qp + ("\n" + rest.decode("utf-8", errors="replace") if rest else "")
        else:
            raw = b"".join(chunks)
            stmt = analyse(raw.decode("latin-1"))
            if stmt.is_insert_with_data and stmt.insert_format != "Values":
                prefix = raw[: len(stmt.insert_prefix)].decode("utf-8", errors="replace")
                data = [raw[stmt.data_offset:]]
                insert_stmt = type(stmt)(stmt.kind, None, stmt.insert_format, prefix, 0, stmt.end, False)
                return self._on_connection(method, spec, lambda conn: run_insert(conn, insert_stmt, data),
                                           stmt.kind)
            sql = raw.decode("utf-8", errors="replace")
        stmt = analyse(sql)
        if not stmt.kind:
            raise ServerError(SYNTAX_ERROR, "Empty query")
        if not (stmt.kind[0].isalpha() or stmt.kind == "("):
            # chDB answers an empty success to text starting with NUL or U+FFFD; a
            # server must say what ClickHouse says about any unrecognized first token.
            start = len(sql) - len(sql.lstrip())
            raise ServerError(SYNTAX_ERROR, f"Syntax error: failed at position {start + 1} "
                                            f"({sql[start:start + 20]!r}): Unrecognized token")
        params = spec.query_params
        return self._on_connection(
            method, spec, lambda conn: run_query(conn, sql, stmt, spec.default_format, params), stmt.kind)

    def _on_connection(self, method: str, spec: request.RequestSpec, work, kind: str) -> Outcome:
        settings = dict(spec.settings)
        sid = spec.session_id
        if sid:
            readonly = settings.pop("readonly", "2" if method in ("GET", "HEAD") else "0")
            if readonly not in ("0", "") and (kind not in _READ_KINDS or (kind == "SET" and readonly == "1")):
                raise ServerError(READONLY, "Cannot execute query in readonly mode")
            timeout = parse_timeout(spec.transport.get("session_timeout"))
            with self.server.sessions.use(sid, timeout, request.flag(spec.transport.get("session_check")),
                                          close_after=request.flag(spec.transport.get("close_session"))) as s:
                prepare_session(s.conn, s.state, settings, spec.database, kind)
                try:
                    return work(s.conn)
                finally:
                    finish_session(s.conn, s.state, kind)
        if method in ("GET", "HEAD") and "readonly" not in settings:
            settings["readonly"] = "2"  # ClickHouse runs GET queries read-only
        conn = self.server.engine.connect()
        try:
            prepare_fresh(conn, settings, spec.database)
            return work(conn)
        finally:
            conn.close()

    # -- responses ---------------------------------------------------------------------

    def _common_headers(self, query_id: str) -> dict[str, str]:
        return {
            "X-ClickHouse-Server-Display-Name": self.server.display_name,
            "X-ClickHouse-Query-Id": query_id,
            "X-ClickHouse-Timezone": self._timezone or self.server.engine.timezone,
        }

    def _send_outcome(self, spec: request.RequestSpec, query_id: str, outcome: Outcome) -> None:
        headers = self._common_headers(query_id)
        fmt = outcome.fmt
        headers["Content-Type"] = _CONTENT_TYPES.get(fmt or "", "text/plain; charset=UTF-8")
        if fmt:
            headers["X-ClickHouse-Format"] = fmt
        headers["X-ClickHouse-Summary"] = json.dumps({k: str(v) for k, v in outcome.summary.items()},
                                                     separators=(",", ":"))
        payload = outcome.body
        wanted = spec.transport.get("enable_http_compression")
        if request.flag(wanted) if wanted is not None else self.server.engine.http_compression_default:
            encoding = codecs.choose_response_encoding(self.headers.get("Accept-Encoding"))
            if encoding:
                level = spec.transport.get("http_zlib_compression_level")
                payload = codecs.encode(encoding, payload, int(level) if level and level.isdigit() else None)
                headers["Content-Encoding"] = self._out_encoding = encoding
        self._send(200, payload, headers)

    def _send_error(self, err: ServerError, query_id: str, body: Body | None) -> None:
        if body is not None and not body.drain():
            self.close_connection = True
        headers = self._common_headers(query_id or "")
        headers["Content-Type"] = "text/plain; charset=UTF-8"
        headers["X-ClickHouse-Exception-Code"] = str(err.code)
        self._send(err.http_status, err.body(), headers)

    def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        lines = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}",
                 f"Date: {self.date_time_string()}", "Server: ClickHouse"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append(f"Content-Length: {len(payload)}")
        lines.append("Connection: close" if self.close_connection else
                     f"Connection: Keep-Alive\r\nKeep-Alive: timeout={int(self.server.keep_alive_timeout)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
        if self.command == "HEAD":
            payload = b""
        try:
            self.wfile.write(head + payload if len(payload) < 65536 else head)
            if len(payload) >= 65536:
                self.wfile.write(payload)
        except OSError:
            self.close_connection = True  # client went away; nothing left to tell it
