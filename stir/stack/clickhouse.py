"""Source databases and tables in ClickHouse, from the shared DDL contract stir/generate/sources.sql."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import clickhouse_connect

from stir import config

SOURCES_SQL = config.REPO_ROOT / "stir" / "generate" / "sources.sql"


def split_statements(sql: str) -> list[str]:
    """Statements of a script whose semicolons only end statements (true of sources.sql).

    Comment-only chunks (a trailing comment after the last statement) are dropped.
    """
    statements = []
    for chunk in sql.split(";"):
        code = [line for line in chunk.splitlines() if line.strip() and not line.strip().startswith("--")]
        if code:
            statements.append(chunk.strip())
    return statements


def ping(host: str, port: int, timeout: float = 2.0) -> bool:
    with urllib.request.urlopen(f"http://{host}:{port}/ping", timeout=timeout) as resp:
        return resp.status == 200 and resp.read().strip() == b"Ok."


def create_sources(host: str, port: int, script: Path = SOURCES_SQL) -> int:
    """Run every statement of the script (all CREATE ... IF NOT EXISTS); returns how many ran."""
    client = clickhouse_connect.get_client(host=host, port=port, username=config.ch_user(), password=config.ch_password(),
                                           connect_timeout=10, send_receive_timeout=120)
    try:
        statements = split_statements(script.read_text(encoding="utf-8"))
        for statement in statements:
            client.command(statement)
        return len(statements)
    finally:
        client.close()
