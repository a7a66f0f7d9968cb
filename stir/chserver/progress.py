"""`send_progress_in_http_headers=1`: X-ClickHouse-Progress headers while the query runs.

As ClickHouse does, the status line goes out with the first progress header (so the
status is then 200 whatever follows, an error being told by X-ClickHouse-Exception-Code
and the body), then one header each time progress moved, at most every
`http_headers_progress_interval_ms` (default 100), until the handler writes the rest
of the head. Progress is the engine's own for the running statement, read from
system.processes on a separate connection by the query's id marker; only requests
that ask for progress pay for it."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable

from .safety import sql_literal

log = logging.getLogger("stir.chserver.progress")

DEFAULT_INTERVAL_MS = 100
_FIELDS = ("read_rows", "read_bytes", "written_rows", "written_bytes", "total_rows_to_read", "result_rows",
           "result_bytes", "elapsed_ns")


def interval_seconds(value: str | None) -> float:
    ms = int(value) if value and value.strip().isdigit() else DEFAULT_INTERVAL_MS
    return max(ms, 10) / 1000  # a floor, so a client cannot make the server poll in a busy loop


def header_line(progress: dict[str, int]) -> bytes:
    body = json.dumps({k: str(progress.get(k, 0)) for k in _FIELDS}, separators=(",", ":"))
    return f"X-ClickHouse-Progress: {body}\r\n".encode()


def _poll_sql(marker: str) -> str:
    # two literals, so the poll's own text never contains (and matches) the marker
    return ("SELECT read_rows, read_bytes, written_rows, written_bytes, total_rows_approx, "
            "toUInt64(elapsed * 1e9) FROM system.processes "
            f"WHERE position(query, concat({sql_literal(marker[:5])}, {sql_literal(marker[5:])})) > 0 "
            "FORMAT JSONCompactEachRow")


class Reporter:
    """A thread writing progress headers to `write` until stop() (called by the handler
    before it writes the rest of the head)."""

    def __init__(self, connect: Callable, marker: str, write: Callable[[bytes], None], status_line: bytes,
                 interval: float):
        self._connect = connect
        self._sql = _poll_sql(marker)
        self._write = write
        self._status_line = status_line
        self._interval = interval
        self._stop = threading.Event()
        self.started = False  # the status line is out: the rest of the head must not repeat it
        self.failed = False  # the client went away while we wrote
        self.last: dict[str, int] = {}  # the engine's latest progress, for the final summary
        self._thread = threading.Thread(target=self._run, name="chserver-progress", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        conn = None
        last: tuple | None = None
        try:
            while not self._stop.wait(self._interval):
                if conn is None:  # only a query that outlives one interval costs a connection
                    conn = self._connect()
                rows = (conn.query(self._sql, "JSONCompactEachRow").bytes() or b"").splitlines()
                if not rows:
                    continue
                values = tuple(int(v) for v in json.loads(rows[0]))
                if values[:5] == (last or (None,) * 6)[:5]:
                    continue  # ClickHouse sends a header when progress moved, not on a timer alone
                last = values
                progress = self.last = dict(zip(("read_rows", "read_bytes", "written_rows", "written_bytes",
                                     "total_rows_to_read", "elapsed_ns"), values, strict=True))
                if self._stop.is_set():
                    return
                data = header_line(progress)
                if not self.started:
                    data = self._status_line + data
                try:
                    self._write(data)
                except OSError:
                    self.failed = True
                    return
                self.started = True
        except Exception:  # progress is best effort: the query's own result still goes out
            log.debug("progress reporter stopped", exc_info=True)
        finally:
            if conn is not None:
                try:
                    conn.close()
                except Exception:
                    log.debug("progress connection close", exc_info=True)

