"""The response side of the handler: results held up to a threshold or streamed
(streaming.py), native/HTTP compression, progress and summary headers, errors."""

from __future__ import annotations

import json
import logging
import time
from itertools import chain

from . import codecs, native, progress, queryids, request, safety, streaming, systemddl
from .body import Body
from .errors import ACCESS_DENIED, ServerError, from_engine
from .execute import DEFAULT_FORMAT, Outcome, count_rows, run_query
from .revision import NativeAdapter, needs_real_types, parse_revision
from .scope import prepare_fresh
from .sqltext import analyse

log = logging.getLogger("stir.chserver")

CONTENT_TYPES = {
    "TabSeparated": "text/tab-separated-values; charset=UTF-8", "TSV": "text/tab-separated-values; charset=UTF-8",
    "CSV": "text/csv; charset=UTF-8; header=absent", "CSVWithNames": "text/csv; charset=UTF-8; header=present",
    "JSON": "application/json; charset=UTF-8", "JSONCompact": "application/json; charset=UTF-8",
    "JSONEachRow": "application/x-ndjson; charset=UTF-8", "Native": "application/octet-stream",
    "RowBinary": "application/octet-stream", "Parquet": "application/octet-stream",
    "Arrow": "application/octet-stream", "ArrowStream": "application/octet-stream",
}
_STREAM_KINDS = frozenset({"SELECT", "WITH", "("})  # what the engine can stream


class Responder:
    """Mixed into the request handler (needs wfile, headers, command, server)."""

    def _select(self, conn, sql: str, stmt, spec: request.RequestSpec, query_id: str, params) -> Outcome:
        if stmt.kind == "KILL":
            others = 0
            if self._kill_as is not None:
                others = int(run_query(conn, self._kill_others, analyse(self._kill_others), None, params).body or 0)
            killed = run_query(conn, sql + "\nFORMAT JSONEachRow", stmt, None, params)
            if others and not killed.body.strip():
                raise ServerError(ACCESS_DENIED, f"{self._kill_as}: Not allowed to kill query. To execute this query, "
                                                 "it's necessary to have the grant KILL QUERY ON *.*")
            report = queryids.kill_report_sql(killed.body)
            return run_query(conn, report, analyse(report), stmt.output_format or spec.default_format, {})
        fmt = stmt.output_format or spec.default_format or DEFAULT_FORMAT
        revision = revision_of(spec) if fmt == "Native" else 0
        hold_all = self.command == "HEAD" or request.flag(spec.transport.get("wait_end_of_query"))
        if stmt.kind not in _STREAM_KINDS or not streaming.streamable(fmt) or (hold_all and not revision):
            try:
                outcome = run_query(conn, sql, stmt, spec.default_format, params)
            except ServerError as err:
                substitute = systemddl.fallback(conn, sql, err) if stmt.kind == "SHOW" else None
                if substitute is None:
                    raise
                outcome = run_query(conn, substitute + (f"\nFORMAT {stmt.output_format}" if stmt.output_format else ""),
                                    stmt, spec.default_format, {})
            if revision and outcome.fmt == "Native":
                outcome.body = NativeAdapter(revision).block(outcome.body, single=False)
            return outcome
        engine_fmt = spec.default_format or DEFAULT_FORMAT
        started = time.perf_counter_ns()
        adapter = NativeAdapter(revision)
        res = _send(conn, sql, engine_fmt, params)
        stats = {"read_rows": 0, "read_bytes": 0, "result_rows": 0, "result_bytes": 0}
        blocks = streaming.strip_headers(fmt, self._blocks(res, fmt, stats))
        held, size = [], 0
        hung_up = queryids.HangupCheck(self.connection)
        threshold = float("inf") if hold_all else streaming.STREAM_THRESHOLD
        try:
            if adapter.active:
                first = next(blocks, None)
                if first is not None and needs_real_types(revision, first):
                    # The engine's revision-0 header dropped a DateTime time zone: learn the
                    # real types. A request without session or external tables asks on a
                    # fresh connection while this one streams on; otherwise no other
                    # statement can run on this connection while it streams: rerun.
                    if spec.session_id or self._external_tables:
                        _cancel(res)
                        adapter.real_types = _result_types(conn, sql, params)
                        res = _send(conn, sql, engine_fmt, params)
                        stats.update(dict.fromkeys(stats, 0))
                        blocks = streaming.strip_headers(fmt, self._blocks(res, fmt, stats))
                    else:
                        adapter.real_types = self._describe_fresh(spec, sql, params)
                        blocks = chain([first], blocks)
                elif first is not None:
                    blocks = chain([first], blocks)
            first_at = 0.0
            for block in blocks:
                if hung_up():
                    _cancel(res)
                    self.close_connection = True
                    body_bytes = b"".join(held)
                    return Outcome(b"", fmt, self._summary(stats, started, len(body_bytes), fmt, body_bytes),
                                   sent=True, error="client-disconnected")
                held.append(adapter.block(block))
                size += len(held[-1])
                if size >= threshold:
                    break
                if not hold_all:
                    now = time.perf_counter()
                    first_at = first_at or now
                    if now - first_at >= streaming.STREAM_AFTER_S:
                        break
            else:
                body_bytes = b"".join(held)
                if not body_bytes and streaming.has_header(fmt):  # the engine streams no header for no rows
                    return run_query(conn, sql, stmt, spec.default_format, params)
                return Outcome(body_bytes, fmt, self._summary(stats, started, len(body_bytes), fmt, body_bytes))
        except BaseException:
            _cancel(res)
            raise
        if adapter.active:
            blocks = map(adapter.block, blocks)
        return self._stream(spec, query_id, fmt, held, blocks, res, stats, started, hung_up)

    def _describe_fresh(self, spec, sql: str, params) -> dict[str, str]:
        conn = self.server.engine.connect()
        try:
            settings = {k: v for k, v in spec.settings.items() if k != "readonly"}
            prepare_fresh(conn, {**self.server.options.default_settings, **settings}, spec.database)
            return _result_types(conn, sql, params)
        except ServerError:
            log.debug("describe on a fresh connection failed", exc_info=True)
            return {}
        finally:
            conn.close()

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

    def _stream(self, spec, query_id: str, fmt: str, held: list[bytes], blocks, res, stats, started,
                hung_up) -> Outcome:
        """Chunked response from here on; an engine error now goes into the body, framed
        by the exception tag, and the connection closes."""
        tag = streaming.new_tag()
        headers = self._common_headers(query_id)
        headers["Content-Type"] = CONTENT_TYPES.get(fmt, "text/plain; charset=UTF-8")
        headers["X-ClickHouse-Format"] = fmt
        headers["X-ClickHouse-Exception-Tag"] = tag
        stats.update(self._merged(stats))
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
                    if hung_up():
                        raise ConnectionResetError("client hung up")  # a write may not fail for a while yet
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
        headers["Content-Type"] = CONTENT_TYPES.get(fmt or "", "text/plain; charset=UTF-8")
        if fmt:
            headers["X-ClickHouse-Format"] = fmt
        outcome.summary = self._merged(outcome.summary)
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

    def _status_lines(self, status: int) -> list[str]:
        return [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}",
                f"Date: {self.date_time_string()}", "Server: ClickHouse"]

    def _start_progress(self, spec, query_id: str) -> None:
        if request.flag(spec.transport.get("send_progress_in_http_headers")) and self.command != "HEAD":
            status = ("\r\n".join(self._status_lines(200)) + "\r\n").encode("latin-1")
            self._reporter = progress.Reporter(
                self.server.engine.connect, queryids.marker(query_id), self.wfile.write, status,
                progress.interval_seconds(spec.transport.get("http_headers_progress_interval_ms")))

    def _stop_progress(self) -> None:
        reporter, self._reporter = getattr(self, "_reporter", None), None
        if reporter is not None:
            reporter.stop()
            self._status_sent = getattr(self, "_status_sent", False) or reporter.started
            self._last_progress = reporter.last

    def _merged(self, summary: dict[str, int]) -> dict[str, int]:
        """The final summary never reports less than the engine's progress already sent."""
        self._stop_progress()
        last = getattr(self, "_last_progress", None)
        if last:
            summary = dict(summary)
            for key in ("read_rows", "read_bytes", "written_rows", "written_bytes", "total_rows_to_read"):
                summary[key] = max(int(summary.get(key, 0)), last.get(key, 0))
        return summary

    def _head(self, status: int, headers: dict[str, str], length: int | None) -> bytes:
        self._stop_progress()
        # With progress headers out, the status line is too (200, as ClickHouse's is then).
        lines = [] if getattr(self, "_status_sent", False) else self._status_lines(status)
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



def revision_of(spec) -> int:
    return parse_revision(spec.transport.get("client_protocol_version"))


def _send(conn, sql: str, fmt: str, params):
    try:
        return conn.send_query(sql, fmt, params=params) if params else conn.send_query(sql, fmt)
    except Exception as exc:
        raise from_engine(exc) from None


def _result_types(conn, sql: str, params) -> dict[str, str]:
    """Column name -> type of the statement's result, as the engine describes it."""
    toks = [t for t in queryids._tokens(sql) if t.kind == "word" and t.depth == 0 and t.text.upper() == "FORMAT"]
    if toks:  # DESCRIBE takes the query without its FORMAT clause
        fmt_tok = toks[-1]
        after = queryids._tokens(sql[fmt_tok.end:])
        sql = sql[:fmt_tok.start] + (sql[fmt_tok.end + after[0].end:] if after else "")
    body = sql[:analyse(sql).end].rstrip().rstrip(";")
    try:
        res = conn.query(f"DESCRIBE TABLE ({body}\n)", "JSONCompactEachRow", params=params) if params \
            else conn.query(f"DESCRIBE TABLE ({body}\n)", "JSONCompactEachRow")
    except Exception:
        log.debug("describe for client_protocol_version failed", exc_info=True)
        return {}
    types = {}
    for line in (res.bytes() or b"").splitlines():
        row = json.loads(line)
        types[row[0]] = row[1]
    return types


def _cancel(res) -> None:
    try:
        res.cancel()
    except Exception:  # already finished
        log.debug("stream cancel", exc_info=True)
