"""Apply the raw source DDL (stir/generate/sources.sql) to a ClickHouse server.

sources.sql is the one contract for raw tables; the generator, the local stack and
the tests all create source tables through here so they can never drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Protocol

SOURCES_SQL = Path(__file__).with_name("sources.sql")
SOURCE_DATABASES = ("beat", "coffee", "vidooly", "_e")

_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.`]+)", re.I)


class Client(Protocol):
    """What we need from a client: clickhouse_connect's Client.command fits."""

    def command(self, cmd: str): ...


def split_statements(sql: str) -> list[str]:
    """Split a SQL script on ';' outside quotes, dropping '--' comments.

    A small scanner instead of a regex because comments and string literals may
    contain ';' or '--'.
    """
    statements: list[str] = []
    buf: list[str] = []
    i, n = 0, len(sql)
    quote: str | None = None
    while i < n:
        ch = sql[i]
        if quote:
            buf.append(ch)
            if ch == "\\" and i + 1 < n:
                buf.append(sql[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in ("'", '"', "`"):
            quote = ch
            buf.append(ch)
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end
            continue
        elif ch == ";":
            statements.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    statements.append("".join(buf))
    return [s.strip() for s in statements if s.strip()]


@cache
def source_statements() -> tuple[str, ...]:
    return tuple(split_statements(SOURCES_SQL.read_text()))


def table_name(statement: str) -> str | None:
    """'db.table' for a CREATE TABLE statement, else None."""
    m = _CREATE_TABLE.match(statement)
    return m.group(1).replace("`", "") if m else None


def source_tables() -> list[str]:
    """Every source table as 'db.table', in sources.sql order."""
    return [t for t in map(table_name, source_statements()) if t]


def iter_apply(client: Client, *, recreate: bool = True) -> Iterator[str]:
    """Apply sources.sql statement by statement, yielding each table as it is created.

    recreate drops each source table first, so the result is empty tables with exactly
    the current DDL even when an older schema was there. The `dbt` database (models) is
    left alone.
    """
    for statement in source_statements():
        table = table_name(statement)
        if table and recreate:
            client.command(f"DROP TABLE IF EXISTS {table} SYNC")
        client.command(statement)
        if table:
            yield table


def apply_sources(client: Client, *, recreate: bool = True) -> list[str]:
    """(Re)create the source databases and tables; returns the tables created."""
    return list(iter_apply(client, recreate=recreate))


def reset_models(client: Client, database: str = "dbt") -> None:
    """Drop every dbt-built relation so the next `dbt build` starts from nothing."""
    client.command(f"DROP DATABASE IF EXISTS {database} SYNC")
    client.command(f"CREATE DATABASE {database}")
