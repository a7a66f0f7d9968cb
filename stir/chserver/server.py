"""ClickHouse's HTTP interface in front of the embedded engine: one thread per client
connection, HTTP/1.1 keep-alive. The request side lives here (framing, authentication,
bounded query text, confinement, connection/session scope); the response side
(buffered or streamed results, errors) in respond.py."""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import chain
from urllib.parse import urlsplit

from . import codecs, external, native, queryids, querylog, remote, request, safety
from .auth import User, credentials
from .body import Body
from .engine import Engine
from .errors import READONLY, SYNTAX_ERROR, TOO_LARGE_REQUEST, UNKNOWN_EXCEPTION, ServerError
from .execute import Outcome, run_insert, set_values
from .options import Options
from .respond import Responder
from .scope import finish_session, prepare_fresh, prepare_session
from .sessions import SessionStore, parse_timeout
from .sqltext import analyse

log = logging.getLogger("stir.chserver")

_OK_PATHS = ("/ping", "/replicas_status")
_QUERY_PATHS = ("/", "/query")
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


class Handler(Responder, BaseHTTPRequestHandler):
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
        self._reporter = None
        self._external_tables = False
        self._kill_as: str | None = None
        self._kill_others = ""
        self._last_progress: dict | None = None
        self._status_sent = False
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
                            (_code(outcome.error), outcome.error) if outcome.error else None)
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
            self._stop_progress()
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
            self._external_tables = bool(tables)
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
                stmt = self._checked_insert(user, query_id, stmt, stmt.insert_prefix)
                return self._on_connection(method, spec, user, self._inserting(spec, query_id, stmt, data),
                                           stmt.kind)
            rest, more = safety.read_query(chunks, limit - len(qp))
            if next(more, None) is not None or len(rest) > limit - len(qp):
                raise safety.too_long(limit)
            sql = qp + ("\n" + rest.decode("utf-8", errors="replace") if rest else "")
        else:
            raw, more = safety.read_query(chunks, limit)
            stmt = analyse(raw[:limit].decode("latin-1"))
            # VALUES data past max_query_size streams too (ClickHouse parses it as data, not query text)
            if stmt.is_insert_with_data and (stmt.insert_format != "Values" or len(raw) > limit):
                prefix = raw[: len(stmt.insert_prefix)].decode("utf-8", errors="replace")
                data = chain([raw[stmt.data_offset:]], more)
                insert_stmt = type(stmt)(stmt.kind, None, stmt.insert_format, prefix, 0, stmt.end, False)
                self._track(spec, user, query_id, "INSERT", raw[:stmt.data_offset].decode("utf-8", "replace"))
                insert_stmt = self._checked_insert(user, query_id, insert_stmt, prefix)
                return self._on_connection(method, spec, user,
                                           self._inserting(spec, query_id, insert_stmt, data), stmt.kind)
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
        # As in ClickHouse, anyone may KILL QUERY their own queries; other users' need an admin.
        killing = queryids.kill_condition(sql) if stmt.kind == "KILL" else None
        own_kill = killing is not None and not user.admin
        if own_kill:
            self._kill_others = queryids.others_matching(killing[0], user.name)
        if not own_kill:
            safety.check_admin(stmt.kind, user.admin)
        self._kill_as = user.name if own_kill else None
        remote.check(sql, opts.remote_hosts)
        sql = queryids.with_user(queryids.rewrite(safety.confine_files(sql, opts.user_files), stmt.kind,
                                                  self._kill_as), user.name)
        if stmt.insert_format == "Values":
            values = analyse(sql)  # offsets after the rewrite
            sql = queryids.mark(sql, query_id, before=len(values.insert_prefix or ""), user=user.name)
        else:
            sql = queryids.mark(sql, query_id, user=user.name)
        params = spec.query_params
        running = self.server.running

        def work(conn):
            self._start_progress(spec, query_id)
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

    def _inserting(self, spec: request.RequestSpec, query_id: str, stmt, data):
        """An INSERT with a body reports written rows in progress headers while the body
        streams in, as ClickHouse does (the poll finds it by the id marked in its prefix)."""
        def work(conn):
            self._start_progress(spec, query_id)
            return run_insert(conn, stmt, data)
        return work

    def _checked_insert(self, user: User, query_id: str, stmt, prefix: str):
        remote.check(prefix, self.server.options.remote_hosts)
        # marked like every other statement: system.processes and KILL see the client's id and user
        marked = queryids.mark(safety.confine_files(prefix, self.server.options.user_files), query_id,
                               user=user.name)
        return type(stmt)(stmt.kind, None, stmt.insert_format, marked, 0, stmt.end, False)

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

def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


def _code(error: str) -> int:
    head = error.split(":", 1)[0]
    return int(head) if head.isdigit() else 0
