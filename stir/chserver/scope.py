"""Request-scoped settings and database.

A fresh connection gets them applied and is then thrown away. A session connection
is reconciled lazily: the server remembers the session's own values for every setting
a request has overridden, and before each request changes only what differs. A client
that sends the same settings on every request (clickhouse-connect does) pays for them
once per session instead of three extra engine round trips per request, while no
request ever sees another request's settings or database."""

from __future__ import annotations

from dataclasses import dataclass, field

from .execute import current_database, current_timezone, set_values, snapshot_settings, use_database


@dataclass
class SessionState:
    baseline: dict[str, str | None] = field(default_factory=dict)  # session's own value; None = default
    applied: dict[str, str] = field(default_factory=dict)  # request overrides in effect right now
    database: str = "default"  # the session's own current database (changed only by USE)
    current_database: str = "default"  # what is in effect on the connection right now
    timezone: str | None = None  # the session's session_timezone after a SET changed it


def prepare_fresh(conn, settings: dict[str, str], database: str | None) -> None:
    set_values(conn, dict(settings))
    if database:
        use_database(conn, database)


def prepare_session(conn, state: SessionState, settings: dict[str, str], database: str | None, kind: str) -> None:
    if kind == "SET":
        # The statement changes the session's own settings: run it on the session's
        # own values, and forget them afterwards (see finish_session).
        settings = {}
    new = [n for n in settings if n not in state.baseline]
    if new:
        state.baseline.update(snapshot_settings(conn, new))
    changes: dict[str, str | None] = {}
    for name, value in settings.items():
        if state.applied.get(name, state.baseline[name]) != value:
            changes[name] = value
    for name in state.applied:
        if name not in settings:
            changes[name] = state.baseline[name]
    set_values(conn, changes)  # atomic: on error nothing changed and `applied` still holds
    state.applied = {n: v for n, v in settings.items() if v != state.baseline[n]}
    target = database or state.database
    if target != state.current_database:
        use_database(conn, target)
        state.current_database = target


def finish_session(conn, state: SessionState, kind: str) -> None:
    if kind == "SET":
        state.baseline.clear()
        state.applied.clear()
        state.timezone = current_timezone(conn)
    elif kind == "USE":
        state.database = state.current_database = current_database(conn)
