"""`system.query_log` for an engine that has none: the server records QueryStart,
QueryFinish, ExceptionBeforeStart and ExceptionWhileProcessing rows with ClickHouse's
column names, buffers them in memory (bounded) and writes them every few seconds, or
at `SYSTEM FLUSH LOGS`, into a MergeTree table with a TTL; reads of `system.query_log`
are pointed at that table. Query text is stored with credentials masked, as ClickHouse
does, and never goes to the server's own log file."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import deque
from datetime import datetime, timezone

from .execute import use_database
from .safety import mask_secrets

log = logging.getLogger("stir.chserver.querylog")

TABLE = "_stir_system.query_log"
FLUSH_INTERVAL = 7.5  # ClickHouse's flush_interval_milliseconds
MAX_PENDING = 100_000  # rows held between flushes; older ones are dropped past this
MAX_QUERY_CHARS = 100_000

DDL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    type Enum8('QueryStart' = 1, 'QueryFinish' = 2, 'ExceptionBeforeStart' = 3, 'ExceptionWhileProcessing' = 4),
    event_date Date, event_time DateTime, event_time_microseconds DateTime64(6),
    query_start_time DateTime, query_start_time_microseconds DateTime64(6), query_duration_ms UInt64,
    read_rows UInt64, read_bytes UInt64, written_rows UInt64, written_bytes UInt64,
    result_rows UInt64, result_bytes UInt64, memory_usage UInt64,
    current_database String, query String, query_kind LowCardinality(String),
    exception_code Int32, exception String, stack_trace String,
    is_initial_query UInt8, user String, query_id String, initial_user String, initial_query_id String,
    interface UInt8, http_method UInt8, http_user_agent String, projections Array(String)
) ENGINE = MergeTree PARTITION BY event_date ORDER BY (event_date, event_time)
TTL event_date + INTERVAL {{ttl_days}} DAY"""

_KINDS = {"SELECT": "Select", "WITH": "Select", "(": "Select", "INSERT": "Insert", "CREATE": "Create",
          "DROP": "Drop", "ALTER": "Alter", "RENAME": "Rename", "EXCHANGE": "Rename", "SYSTEM": "System",
          "SHOW": "Show", "DESCRIBE": "Describe", "DESC": "Describe", "EXISTS": "Exists", "SET": "Set",
          "USE": "Use", "KILL": "KillQuery", "OPTIMIZE": "Optimize", "TRUNCATE": "Drop", "EXPLAIN": "Explain"}


def _ts(t: float) -> tuple[str, str]:
    dt = datetime.fromtimestamp(t, timezone.utc)
    return dt.strftime("%Y-%m-%d %H:%M:%S"), dt.strftime("%Y-%m-%d %H:%M:%S.%f")


class QueryLog:
    def __init__(self, connect, ttl_days: int = 7, flush_interval: float = FLUSH_INTERVAL):
        self._connect = connect
        self._ttl_days = ttl_days
        self._pending: deque[dict] = deque(maxlen=MAX_PENDING)
        self._lock = threading.Lock()  # one flush at a time
        self._stop = threading.Event()
        self._ready = False
        self._thread = threading.Thread(target=self._loop, args=(flush_interval,), name="chserver-query-log",
                                        daemon=True)
        self._thread.start()

    def record(self, kind: str, entry_type: str, *, query_id: str, user: str, query: str, database: str,
               started: float, method: str, agent: str = "", summary: dict | None = None,
               error: tuple[int, str] | None = None) -> None:
        now = time.time() if entry_type != "QueryStart" else started
        summary = summary or {}
        event_time, event_us = _ts(now)
        start_time, start_us = _ts(started)
        self._pending.append({
            "type": entry_type, "event_date": event_time[:10], "event_time": event_time,
            "event_time_microseconds": event_us, "query_start_time": start_time,
            "query_start_time_microseconds": start_us,
            "query_duration_ms": 0 if entry_type == "QueryStart" else int((now - started) * 1000),
            "read_rows": summary.get("read_rows", 0), "read_bytes": summary.get("read_bytes", 0),
            "written_rows": summary.get("written_rows", 0), "written_bytes": summary.get("written_bytes", 0),
            "result_rows": summary.get("result_rows", 0), "result_bytes": summary.get("result_bytes", 0),
            "memory_usage": 0, "current_database": database or "default",
            "query": mask_secrets(query[:MAX_QUERY_CHARS]), "query_kind": _KINDS.get(kind, kind.title()),
            "exception_code": error[0] if error else 0, "exception": mask_secrets(error[1]) if error else "",
            "stack_trace": "", "is_initial_query": 1, "user": user, "query_id": query_id,
            "initial_user": user, "initial_query_id": query_id, "interface": 2,
            "http_method": 1 if method in ("GET", "HEAD") else 2, "http_user_agent": agent[:1000],
            "projections": [],
        })

    def ensure(self) -> None:
        """The table exists from the start, so reading system.query_log never fails."""
        with self._lock:
            self._create()

    def _create(self) -> None:
        if self._ready:
            return
        conn = self._connect()
        try:
            conn.query(f"CREATE DATABASE IF NOT EXISTS {TABLE.split('.')[0]}", "TabSeparated")
            conn.query(DDL.format(ttl_days=int(self._ttl_days)), "TabSeparated")
            # a data dir from before the column was added
            conn.query(f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS projections Array(String)", "TabSeparated")
            self._ready = True
        finally:
            conn.close()

    def flush(self) -> int:
        with self._lock:
            rows = []
            while self._pending:
                rows.append(self._pending.popleft())
            if not rows:
                return 0
            self._create()
            conn = self._connect()
            try:
                _fill_projections(conn, rows)
                inserter = conn.send_insert(f"INSERT INTO {TABLE}", "JSONEachRow")
                inserter.append("\n".join(json.dumps(r) for r in rows).encode())
                inserter.finish()
            finally:
                conn.close()
            return len(rows)

    def _loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.flush()
            except Exception:  # the log must never take the server down
                log.warning("query_log flush failed", exc_info=True)

    def close(self) -> None:
        self._stop.set()
        try:
            self.flush()
        except Exception:
            log.warning("query_log flush at shutdown failed", exc_info=True)


MAX_EXPLAINS = 200  # per flush: the projections column is best effort, the flush must stay short
_READ_STEP = re.compile(r"ReadFromMergeTree \(([^)]*)\)")
# EXPLAIN may read a source to learn its structure: the client's text was confined and
# checked when it ran, the text logged here is not, so such queries are not EXPLAINed
_EXTERNAL = re.compile(r"\b(?:file|url|s3|s3Cluster|gcs|remote|remoteSecure|cluster|mysql|postgresql|hdfs|azureBlobStorage|"
                       r"executable|python|input|fileCluster|urlCluster|iceberg\w*|deltaLake\w*|hudi\w*)\s*\(",
                       re.IGNORECASE)


def _fill_projections(conn, rows: list[dict]) -> None:
    """`projections` (which projections a SELECT read, `db.table.projection`, as
    ClickHouse logs them; dbt-clickhouse checks it): the engine keeps no such record, so
    at flush time each finished SELECT that names a table with a projection is EXPLAINed
    again and its plan's read steps (`ReadFromMergeTree (<projection>)`) are matched to
    `system.projections`. Nothing is paid while no table has a projection."""
    candidates = [r for r in rows if r["type"] == "QueryFinish" and r["query_kind"] == "Select"]
    if not candidates:
        return
    try:
        body = conn.query("SELECT database, table, name FROM system.projections", "JSONCompactEachRow").bytes()
    except Exception:
        log.debug("system.projections", exc_info=True)
        return
    known = [tuple(json.loads(line)) for line in (body or b"").splitlines()]
    if not known:
        return
    for row in candidates[:MAX_EXPLAINS]:
        text = row["query"]
        tables = {(d, t) for d, t, _ in known if t in text}
        if not tables or _EXTERNAL.search(text):
            continue
        try:
            use_database(conn, row["current_database"])
            plan = (conn.query(f"EXPLAIN {text}", "TabSeparatedRaw").bytes() or b"").decode("utf-8", "replace")
        except Exception:  # a table gone since, a session's temporary table, query parameters
            continue
        used = set(_READ_STEP.findall(plan))
        row["projections"] = [f"{d}.{t}.{n}" for d, t, n in known if (d, t) in tables and n in used]
