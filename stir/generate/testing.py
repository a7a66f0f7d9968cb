"""Test helpers shared by every dbt/generator test: clients, dbt runs, fixture rows.

Lives in the package (not a conftest) so test modules anywhere can import it:
``from stir.generate.testing import apply_sources, insert_rows``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from stir.config import DBT_PROJECT_DIR, REPO_ROOT
from stir.generate.ddl import apply_sources, reset_models

__all__ = ["apply_sources", "reset_models", "insert_rows", "make_client", "make_dbt_runner", "dbt_env"]

DBT_BIN = Path(sys.executable).with_name("dbt")
_OUTPUT_TAIL_CHARS = 6000


def make_client(server, **kwargs):
    """clickhouse_connect client for an object with .host/.port (a running server)."""
    import clickhouse_connect

    options = dict(username="default", password="", send_receive_timeout=600, autogenerate_session_id=False)
    options.update(kwargs)
    return clickhouse_connect.get_client(host=server.host, port=server.port, **options)


def dbt_env(server, workdir: Path) -> dict[str, str]:
    """Environment for a dbt subprocess against `server`, with its own target/log dirs."""
    env = dict(os.environ)
    env.update(
        STIR_CH_HOST=str(server.host),
        STIR_CH_PORT=str(server.port),
        # test servers (running_server) have user default without a password
        STIR_CH_USER="default",
        STIR_CH_PASSWORD="",
        STIR_DBT_TARGET="dev",
        DBT_TARGET_PATH=str(workdir / "target"),
        DBT_LOG_PATH=str(workdir / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    env.setdefault("STIR_DBT_THREADS", "2")
    return env


def make_dbt_runner(server, workdir: Path) -> Callable[..., subprocess.CompletedProcess]:
    """dbt(*args, check=True) running the real dbt CLI on gcc_social against `server`;
    dbt.workdir holds its target/ and logs/."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = dbt_env(server, workdir)

    def dbt(*args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
        cmd = [str(DBT_BIN), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
        proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            tail = (proc.stdout + proc.stderr)[-_OUTPUT_TAIL_CHARS:]
            raise AssertionError(f"dbt {' '.join(args)} exited {proc.returncode}:\n{tail}")
        return proc

    dbt.workdir = workdir  # target/ (manifest.json, run_results.json) and logs/ live here
    return dbt


def _json_default(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def insert_rows(client, table: str, rows: Iterable[Mapping]) -> int:
    """Insert dicts into `table`; ClickHouse fills omitted columns with type defaults.

    Values may be Python objects (datetime, date, Decimal, UUID, lists) or strings in
    ClickHouse's text form ('2024-01-01 10:00:00'). Unknown column names fail loudly.
    """
    rows = list(rows)
    if not rows:
        return 0
    body = "\n".join(json.dumps(r, default=_json_default, ensure_ascii=False) for r in rows)
    client.raw_insert(
        table, insert_block=body.encode(), fmt="JSONEachRow",
        settings={
            "input_format_defaults_for_omitted_fields": 1,
            "input_format_skip_unknown_fields": 0,
            "date_time_input_format": "best_effort",
        },
    )
    return len(rows)
