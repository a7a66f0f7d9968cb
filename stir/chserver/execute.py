"""Run one statement on an engine connection with request-scoped settings, database
and query parameters, leaving a session connection exactly as it was found."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import SYNTAX_ERROR, ServerError, from_engine
from .sqltext import Statement

log = logging.getLogger("stir.chserver.execute")

DEFAULT_FORMAT = "TabSeparated"
_LINE_FORMATS = {"TabSeparated", "TSV", "TabSeparatedRaw", "TSVRaw", "JSONEachRow", "JSONCompactEachRow",
                 "JSONStringsEachRow", "JSONCompactStringsEachRow", "TabSeparatedWithNames", "TSVWithNames",
                 "TabSeparatedWithNamesAndTypes", "TSVWithNamesAndTypes", "LineAsString", "Raw"}
_HEADER_LINES = {"TabSeparatedWithNames": 1, "TSVWithNames": 1, "TabSeparatedWithNamesAndTypes": 2,
                 "TSVWithNamesAndTypes": 2}


@dataclass
class Outcome:
    body: bytes = b""
    fmt: str | None = None
    summary: dict[str, int] = field(default_factory=dict)
    sent: bool = False  # already written to the client (a streamed response)
    error: str = ""  # code:name of an error reported mid-stream

    @property
    def rows(self) -> int:
        return self.summary.get("written_rows") or self.summary.get("result_rows") or self.summary.get("read_rows", 0)


def _literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _run(conn, sql: str, fmt: str = DEFAULT_FORMAT, params: dict[str, str] | None = None):
    try:
        return conn.query(sql, fmt, params=params or None) if params else conn.query(sql, fmt)
    except Exception as exc:
        raise from_engine(exc) from None


def set_values(conn, changes: dict[str, str | None]) -> None:
    """One atomic SET (the engine applies all or none); None restores the default."""
    if changes:
        _run(conn, "SET " + ", ".join(
            f"`{k}` = {'DEFAULT' if v is None else _literal(v)}" for k, v in changes.items()))


def snapshot_settings(conn, names: Iterable[str]) -> dict[str, str | None]:
    """Current value of each setting, None where it is at its default (so restoring
    means `= DEFAULT`, not pinning today's default)."""
    names = list(names)
    if not names:
        return {}
    quoted = ", ".join(_literal(n) for n in names)
    rows = _run(conn, f"SELECT name, value, changed FROM system.settings WHERE name IN ({quoted})",
                "JSONCompactEachRow").bytes()
    current: dict[str, str | None] = {n: None for n in names}
    for line in rows.splitlines():
        name, value, changed = json.loads(line)
        current[name] = value if int(changed) else None
    return current


def current_database(conn) -> str:
    return _run(conn, "SELECT currentDatabase()").bytes().decode().strip()


def current_timezone(conn) -> str:
    return _run(conn, "SELECT timezone()").bytes().decode().strip()


def use_database(conn, database: str) -> None:
    _run(conn, f"USE `{database.replace('`', '``')}`")


def summary_of(res, elapsed_ns: int, result_rows: int = 0, result_bytes: int = 0) -> dict[str, int]:
    def num(name: str) -> int:
        getter = getattr(res, name, None)
        try:
            return int(getter() if callable(getter) else getter or 0)
        except (TypeError, ValueError):
            return 0
    read_rows = num("rows_read")
    return {
        "read_rows": read_rows, "read_bytes": num("bytes_read"),
        "written_rows": num("rows_written"), "written_bytes": num("bytes_written"),
        "total_rows_to_read": read_rows, "result_rows": result_rows, "result_bytes": result_bytes,
        "elapsed_ns": elapsed_ns,
    }


def count_rows(fmt: str, body: bytes) -> int:
    if fmt in _LINE_FORMATS:
        return max(0, body.count(b"\n") - _HEADER_LINES.get(fmt, 0))
    return 0


def run_query(conn, sql: str, stmt: Statement, default_format: str | None,
              params: dict[str, str]) -> Outcome:
    if stmt.multi:
        raise ServerError(SYNTAX_ERROR, "Multi-statements are not allowed")
    fmt = stmt.output_format or default_format or DEFAULT_FORMAT
    started = time.perf_counter_ns()
    res = _run(conn, sql, default_format or DEFAULT_FORMAT, params)
    body = res.bytes() or b""
    elapsed = time.perf_counter_ns() - started
    shown = fmt if stmt.returns_rows else None
    return Outcome(body, shown, summary_of(res, elapsed, count_rows(fmt, body) if shown else 0, len(body)))


def run_insert(conn, stmt: Statement, chunks: Iterable[bytes]) -> Outcome:
    """Stream the body into the engine's inserter; any failure (bad data, broken
    compression, truncated body) cancels the insert so nothing partial is committed."""
    started = time.perf_counter_ns()
    try:
        inserter = conn.send_insert(stmt.insert_prefix, stmt.insert_format)
    except Exception as exc:
        raise from_engine(exc) from None
    try:
        for chunk in chunks:
            if chunk:
                inserter.append(chunk)
        res = inserter.finish()
    except ServerError:
        _cancel(inserter)
        raise
    except Exception as exc:
        _cancel(inserter)
        raise from_engine(exc) from None
    return Outcome(b"", None, summary_of(res, time.perf_counter_ns() - started))


def _cancel(inserter) -> None:
    try:
        inserter.cancel()
    except Exception:  # already finished or failed inside the engine: nothing to undo
        log.debug("insert cancel", exc_info=True)

