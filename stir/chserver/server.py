"""ClickHouse's HTTP interface in front of the embedded engine: one thread per client
connection, HTTP/1.1 keep-alive, fully buffered results so an error never follows a
200 status line."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import chain
from urllib.parse import urlsplit

from . import codecs, external, native, queryids, querylog, request, safety, streaming
from .auth import User, credentials
from .body import Body
from .engine import Engine
from .errors import READONLY, SYNTAX_ERROR, TOO_LARGE_REQUEST, UNKNOWN_EXCEPTION, ServerError, from_engine
from .execute import DEFAULT_FORMAT, Outcome, count_rows, run_insert, run_query, set_values
from .options import Options
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
_QUERY_PATHS = ("/", "/query")
_STREAM_KINDS = frozenset({"SELECT", "WITH", "("})  # what the engine can stream
_EXTERNAL_SUFFIXES = ("_structure", "_types", "_format")
_FLUSH_LOGS = re.compile(r"\s*SYSTEM\s+FLUSH\s+LOGS\s*;?\s*$", re.I)


class ChServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold up shutdown
    allow_reuse_address = True  # TIME_WAIT from a previous run must not block a restart
    request_queue_size = 128

    def __init__(self, address, engine: Engine, keep_alive_timeout: float = 300.0, options: Options | None = None):
        self.engine = engine
        self.options = options or Options(user_files=engine.data_dir / "user_files")
        self.sessions: SessionStore | None = None
        self.keep_alive_timeout = keep_alive_timeout
        self.display_name = socket.gethostname()
        self.active = 0
        self._active_lock = threading.Condition()
        super().__init__(address, Handler, bind_and_activate=True)

    def start_sessions(self) -> None:
        self.sessions = SessionStore(self.connect_with_defaults)
        self.running = queryids.Running(self._kill)
        self.query_log = querylog.QueryLog(self.engine.connect, ttl_days=self.options.query_log_ttl_days)
        self.query_log.ensure()

    def _kill(self, query_id: str) -> None:
        conn = self.engine.connect()
        try:
            conn.query(queryids.kill_statement(query_id), "TabSeparated")
        finally:
            conn.close()

    def connect_with_defaults(self):
        conn = self.engine.connect()
        if self.options.default_settings:
            set_values(conn, dict(self.options.default_settings))
        return conn

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

    def parse_request(self) -> bool:
        words = self.raw_requestline.decode("latin-1").split()
        if len(words) < 3 and words:
            # HTTP/0.9 has no headers and no framing: refuse it instead of guessing.
            self.command, self.request_version, self.close_connection = None, "HTTP/1.0", True
            self.requestline = " ".join(words)[:200]
            self.send_error(400, "HTTP/0.9 requests are not supported")
            return False
        return super().parse_request()

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
        self._qlog: dict | None = None
        body: Body | None = None
        try:
            try:
                body = Body(self.rfile, self.headers)
            except ServerError:
                self.close_connection = True  # where this body ends is unknown
                raise
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
            query_id = safety.check_query_id(spec.query_id)
            user = self.server.options.users.authenticate(*credentials(self.headers, spec.transport))
            self._timezone = spec.settings.get("session_timezone")
            outcome = self._execute(method, spec, body, user, query_id)
            rows = outcome.rows
            if outcome.error:
                status, code = 200, outcome.error
            if not outcome.sent:
                self._send_outcome(spec, query_id, outcome)
            self._log_query("ExceptionWhileProcessing" if outcome.error else "QueryFinish", outcome.summary,
                            (0, outcome.error) if outcome.error else None)
        except ServerError as err:
            status, code = err.http_status, f"{err.code}:{err.name}"
            self._log_error(err)
            self._send_error(err, query_id, body)
        except Exception as exc:  # an engine or server bug must still produce a ClickHouse-style error
            log.exception("unexpected error handling %s", url.path)
            err = ServerError(UNKNOWN_EXCEPTION, f"{type(exc).__name__}: {exc}")
            status, code = err.http_status, f"{err.code}:{err.name}"
            self._log_error(err)
            self._send_error(err, query_id, body)
        finally:
            self.server.track(-1)
            log.info("%s %s query_id=%s %.1f ms rows=%d status=%d code=%s enc=%s/%s", method, url.path,
                     query_id or "-", (time.perf_counter() - started) * 1000, rows, status, code,
                     self.headers.get("Content-Encoding") or "-", self._out_encoding)

    def _log_query(self, entry_type: str, summary: dict | None = None, error: tuple[int, str] | None = None) -> None:
        ctx = self._qlog
        if ctx is not None:
            self.server.query_log.record(ctx["kind"], entry_type, query_id=ctx["query_id"], user=ctx["user"],
                                         query=ctx["text"], database=ctx["database"], started=ctx["started"],
                                         method=self.command or "POST", agent=self.headers.get("User-Agent") or "",
                                         summary=summary, error=error)

    def _log_error(self, err: ServerError) -> None:
        if self._qlog is not None:
            entry = "ExceptionWhileProcessing" if self._qlog["running"] else "ExceptionBeforeStart"
            self._log_query(entry, None, (err.code, err.body().decode(errors="replace").strip()))

    def _track(self, spec, user: User, query_id: str, kind: str, text: str) -> None:
        self._qlog = {"kind": kind, "query_id": query_id, "user": user.name, "text": text, "running": False,
                      "database": spec.database or "default", "started": time.time()}

    def _execute(self, method: str, spec: request.RequestSpec, body: Body, user: User, query_id: str) -> Outcome:
        opts = self.server.options
        chunks = codecs.decode_stream(self.headers.get("Content-Encoding"), body, opts.max_body_size)
        if request.flag(spec.transport.get("decompress")):
            verify = not request.flag(spec.transport.get("http_native_compression_disable_checksumming_on_decompress"))
            chunks = codecs.capped(native.decode_stream(chunks, verify), opts.max_body_size)
        limit = _int(spec.settings.get("max_query_size"), opts.max_query_size)
        tables: list = []
        if request.is_multipart(self.headers):
            form, rest = safety.read_query(chunks, opts.max_form_size)
            if next(rest, None) is not None:
                raise ServerError(TOO_LARGE_REQUEST, f"multipart/form-data body exceeds {opts.max_form_size} bytes")
            request.apply_multipart(spec, self.headers["Content-Type"], form)
            # `<name>_structure` & co. may come in the URL (where they would read as settings) or the form
            fields = {**{k: v for k, v in spec.settings.items() if k.endswith(_EXTERNAL_SUFFIXES)},
                      **spec.form_fields}
            tables = external.collect(spec.files, fields)
            for key in [k for k in spec.settings if k.endswith(_EXTERNAL_SUFFIXES)]:
                if any(key == f"{t.name}{sfx}" for t in tables for sfx in _EXTERNAL_SUFFIXES):
                    del spec.settings[key]
            chunks = iter(())
        qp = spec.query_param
        if len(qp) > limit:
            raise safety.too_long(limit)
        # Only the first max_query_size bytes are ever analysed as SQL text; INSERT data
        # after them streams to the engine untouched.
        if qp:
            stmt = analyse(qp)
            if stmt.is_insert_with_data:
                inline = qp[stmt.data_offset:]
                data = chain([inline.encode() + b"\n"] if inline.strip() else [], chunks)
                self._track(spec, user, query_id, "INSERT", qp[:stmt.data_offset])
                stmt = self._checked_insert(method, spec, user, stmt, stmt.insert_prefix)
                return self._on_connection(method, spec, user, lambda conn: run_insert(conn, stmt, data), stmt.kind)
            rest, more = safety.read_query(chunks, limit - len(qp))
            if next(more, None) is not None or len(rest) > limit - len(qp):
                raise safety.too_long(limit)
            sql = qp + ("\n" + rest.decode("utf-8", errors="replace") if rest else "")
        else:
            raw, more = safety.read_query(chunks, limit)
            stmt = analyse(raw[:limit].decode("latin-1"))
            if stmt.is_insert_with_data and stmt.insert_format != "Values":
                prefix = raw[: len(stmt.insert_prefix)].decode("utf-8", errors="replace")
                data = chain([raw[stmt.data_offset:]], more)
                insert_stmt = type(stmt)(stmt.kind, None, stmt.insert_format, prefix, 0, stmt.end, False)
                self._track(spec, user, query_id, "INSERT", raw[:stmt.data_offset].decode("utf-8", "replace"))
                insert_stmt = self._checked_insert(method, spec, user, insert_stmt, prefix)
                return self._on_connection(method, spec, user, lambda conn: run_insert(conn, insert_stmt, data),
                                           stmt.kind)
            if len(raw) > limit:
                raise safety.too_long(limit)
            sql = raw.decode("utf-8", errors="replace")
        stmt = analyse(sql)
        self._track(spec, user, query_id, stmt.kind, sql)
        if not stmt.kind:
            raise ServerError(SYNTAX_ERROR, "Empty query")
        if not (stmt.kind[0].isalpha() or stmt.kind == "("):
            # chDB answers an empty success to text starting with NUL or U+FFFD; a
            # server must say what ClickHouse says about any unrecognized first token.
            start = len(sql) - len(sql.lstrip())
            raise ServerError(SYNTAX_ERROR, f"Syntax error: failed at position {start + 1} "
                                            f"({sql[start:start + 20]!r}): Unrecognized token")
        if stmt.multi:
            raise ServerError(SYNTAX_ERROR, "Multi-statements are not allowed")
        if stmt.kind == "SYSTEM" and _FLUSH_LOGS.match(sql):
            self.server.query_log.flush()
            return Outcome()
        safety.check_admin(stmt.kind, user.admin)
        sql = queryids.rewrite(safety.confine_files(sql, opts.user_files), stmt.kind)
        if stmt.insert_format == "Values":
            values = analyse(sql)  # offsets after the rewrite
            sql = queryids.mark(sql, query_id, before=len(values.insert_prefix or ""))
        else:
            sql = queryids.mark(sql, query_id)
        params = spec.query_params
        running = self.server.running

        def work(conn):
            if not tables:
                return self._select(conn, sql, stmt, spec, query_id, params)
            external.load(conn, tables)
            try:
                return self._select(conn, sql, stmt, spec, query_id, params)
            finally:
                external.drop(conn, tables)

        running.start(query_id, self.connection)
        try:
            return self._on_connection(method, spec, user, work, stmt.kind)
        finally:
            running.finish(query_id, self.connection)

    def _select(self, conn, sql: str, stmt, spec: request.RequestSpec, query_id: str, params) -> Outcome:
        if stmt.kind == "KILL":
            killed = run_query(conn, sql + "\nFORMAT JSONEachRow", stmt, None, params)
            report = queryids.kill_report_sql(killed.body)
            return run_query(conn, report, analyse(report), stmt.output_format or spec.default_format, {})
        fmt = stmt.output_format or spec.default_format or DEFAULT_FORMAT
        if (self.command == "HEAD" or stmt.kind not in _STREAM_KINDS or not streaming.streamable(fmt)
                or request.flag(spec.transport.get("wait_end_of_query"))):
            return run_query(conn, sql, stmt, spec.default_format, params)
        engine_fmt = spec.default_format or DEFAULT_FORMAT
        started = time.perf_counter_ns()
        try:
            res = conn.send_query(sql, engine_fmt, params=params) if params else conn.send_query(sql, engine_fmt)
        except Exception as exc:
            raise from_engine(exc) from None
        stats = {"read_rows": 0, "read_bytes": 0, "result_rows": 0, "result_bytes": 0}
        blocks = streaming.strip_headers(fmt, self._blocks(res, fmt, stats))
        held, size = [], 0
        try:
            for block in blocks:
                held.append(block)
                size += len(block)
                if size >= streaming.STREAM_THRESHOLD:
                    break
            else:
                body_bytes = b"".join(held)
                if not body_bytes and streaming.has_header(fmt):  # the engine streams no header for no rows
                    return run_query(conn, sql, stmt, spec.default_format, params)
                return Outcome(body_bytes, fmt, self._summary(stats, started, len(body_bytes), fmt, body_bytes))
        except BaseException:
            _cancel(res)
            raise
        return self._stream(spec, query_id, fmt, held, blocks, res, stats, started)

    @staticmethod
    def _blocks(res, fmt: str, stats: dict[str, int]):
        try:
            for block in res:
                data = block.bytes() or b""
                stats["read_rows"] += int(block.rows_read() or 0)
                stats["read_bytes"] += int(block.bytes_read() or 0)
                stats["result_bytes"] += len(data)
                stats["result_rows"] += count_rows(fmt, data)
                yield data
        except ServerError:
            raise
        except Exception as exc:
            raise from_engine(exc) from None

    @staticmethod
    def _summary(stats: dict[str, int], started: int, result_bytes: int, fmt: str, body: bytes) -> dict[str, int]:
        return {"read_rows": stats["read_rows"], "read_bytes": stats["read_bytes"], "written_rows": 0,
                "written_bytes": 0, "total_rows_to_read": stats["read_rows"],
                "result_rows": count_rows(fmt, body), "result_bytes": result_bytes,
                "elapsed_ns": time.perf_counter_ns() - started}

    def _stream(self, spec, query_id: str, fmt: str, held: list[bytes], blocks, res, stats, started) -> Outcome:
        """Chunked response from here on; an engine error now goes into the body, framed
        by the exception tag, and the connection closes."""
        tag = streaming.new_tag()
        headers = self._common_headers(query_id)
        headers["Content-Type"] = _CONTENT_TYPES.get(fmt, "text/plain; charset=UTF-8")
        headers["X-ClickHouse-Format"] = fmt
        headers["X-ClickHouse-Exception-Tag"] = tag
        headers["X-ClickHouse-Summary"] = json.dumps({k: str(v) for k, v in stats.items()}, separators=(",", ":"))
        self._progress_header(spec, headers, stats)
        enc = self._response_encoder(spec)
        if enc is not None:
            headers["Content-Encoding"] = self._out_encoding = enc.encoding
        headers["Transfer-Encoding"] = "chunked"
        outcome = Outcome(b"", fmt, sent=True)
        http_pack = enc.compress if enc is not None else (lambda b: b)
        blocks_enc = native.Encoder() if request.flag(spec.transport.get("compress")) else None
        pack = (lambda b: http_pack(blocks_enc.compress(b))) if blocks_enc is not None else http_pack
        try:
            self.wfile.write(self._head(200, headers, None) + b"".join(streaming.chunk(pack(b)) for b in held))
            error_block = b""
            try:
                for block in blocks:
                    self.wfile.write(streaming.chunk(pack(block)))
            except ServerError as err:
                outcome.error = f"{err.code}:{err.name}"
                self.close_connection = True
                error_block = streaming.exception_block(tag, err.body())
            if blocks_enc is not None:
                self.wfile.write(streaming.chunk(http_pack(blocks_enc.finish())))
            if error_block:
                self.wfile.write(streaming.chunk(http_pack(error_block)))
            self.wfile.write(streaming.chunk(enc.finish() if enc is not None else b"") + streaming.LAST_CHUNK)
        except OSError:
            self.close_connection = True  # the client went away: stop the query
            _cancel(res)
            outcome.error = "client-disconnected"
        outcome.summary = self._summary(stats, started, stats["result_bytes"], fmt, b"")
        outcome.summary["result_rows"] = stats["result_rows"]
        return outcome

    @staticmethod
    def _progress_header(spec, headers: dict[str, str], stats: dict) -> None:
        """send_progress_in_http_headers=1: the progress known when headers go out (the
        whole query for buffered results, the first megabyte for streamed ones)."""
        if request.flag(spec.transport.get("send_progress_in_http_headers")):
            progress = {k: str(stats.get(k, 0)) for k in ("read_rows", "read_bytes", "written_rows", "written_bytes",
                                                          "total_rows_to_read", "result_rows", "result_bytes",
                                                          "elapsed_ns")}
            headers["X-ClickHouse-Progress"] = json.dumps(progress, separators=(",", ":"))

    def _response_encoder(self, spec):
        wanted = spec.transport.get("enable_http_compression")
        if not (request.flag(wanted) if wanted is not None else self.server.engine.http_compression_default):
            return None
        encoding = codecs.choose_response_encoding(self.headers.get("Accept-Encoding"))
        if not encoding:
            return None
        level = spec.transport.get("http_zlib_compression_level")
        return codecs.encoder(encoding, int(level) if level and level.isdigit() else None)

    def _checked_insert(self, method, spec, user: User, stmt, prefix: str):
        confined = safety.confine_files(prefix, self.server.options.user_files)
        return type(stmt)(stmt.kind, None, stmt.insert_format, confined, 0, stmt.end, False) \
            if confined != prefix else stmt

    def _on_connection(self, method: str, spec: request.RequestSpec, user: User, work, kind: str) -> Outcome:
        settings = dict(spec.settings)
        asked = settings.pop("readonly", None)
        floor = max(user.readonly, "2" if method in ("GET", "HEAD") else "0")
        if floor != "0" and asked is not None and asked not in (floor, "1"):
            # As ClickHouse: GET (and a readonly user) cannot lift read-only from the request.
            raise ServerError(READONLY, "Cannot modify 'readonly' setting in readonly mode")
        readonly = asked if asked is not None else floor
        safety.check_readonly(kind, readonly)
        sid = spec.session_id
        if sid:
            timeout = parse_timeout(spec.transport.get("session_timeout"))
            with self.server.sessions.use(sid, timeout, request.flag(spec.transport.get("session_check")),
                                          close_after=request.flag(spec.transport.get("close_session"))) as s:
                prepare_session(s.conn, s.state, settings, spec.database, kind)
                self._started()
                self._timezone = self._timezone or s.state.timezone
                try:
                    return work(s.conn)
                finally:
                    finish_session(s.conn, s.state, kind)
                    self._timezone = spec.settings.get("session_timezone") or s.state.timezone
        if readonly not in ("0", ""):
            settings["readonly"] = readonly
        conn = self.server.engine.connect()
        try:
            prepare_fresh(conn, {**self.server.options.default_settings, **settings}, spec.database)
            self._started()
            return work(conn)
        finally:
            conn.close()

    def _started(self) -> None:
        if self._qlog is not None:
            self._qlog["running"] = True
            self._log_query("QueryStart")

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
        if request.flag(spec.transport.get("compress")):
            payload = native.compress(payload)
        self._progress_header(spec, headers, outcome.summary)
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

    def _head(self, status: int, headers: dict[str, str], length: int | None) -> bytes:
        lines = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}",
                 f"Date: {self.date_time_string()}", "Server: ClickHouse"]
        lines += [f"{k}: {safety.header_value(v)}" for k, v in headers.items()]
        if length is not None:
            lines.append(f"Content-Length: {length}")
        lines.append("Connection: close" if self.close_connection else
                     f"Connection: Keep-Alive\r\nKeep-Alive: timeout={int(self.server.keep_alive_timeout)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")

    def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        head = self._head(status, headers, len(payload))
        if self.command == "HEAD":
            payload = b""
        try:
            self.wfile.write(head + payload if len(payload) < 65536 else head)
            if len(payload) >= 65536:
                self.wfile.write(payload)
        except OSError:
            self.close_connection = True  # client went away; nothing left to tell it


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


def _cancel(res) -> None:
    try:
        res.cancel()
    except Exception:  # already finished
        log.debug("stream cancel", exc_info=True)
