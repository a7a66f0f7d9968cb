"""Subprocess helpers: the e2e tests drive the same commands a user types."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from stir import config
from stir.stack.envvars import parse_shell as parse_exports  # noqa: F401  (used by the suite)

BIN = Path(sys.executable).parent




def run(env: dict[str, str], *cmd: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(list(cmd), env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=str(config.REPO_ROOT))


def run_stir(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return run(env, sys.executable, "-m", "stir", *args, timeout=timeout)


def dbt(env: dict[str, str], *args: str, timeout: float = 1200) -> subprocess.CompletedProcess:
    return run(env, str(BIN / "dbt"), *args, "--project-dir", str(config.DBT_PROJECT_DIR),
               "--profiles-dir", str(config.DBT_PROFILES_DIR), timeout=timeout)


def airflow(env: dict[str, str], *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return run(env, str(BIN / "airflow"), *args, timeout=timeout)


def canonical(value) -> str:
    """One comparable text per value, identical for ClickHouse and PostgreSQL representations."""
    if value is None:
        return "NULL"
    if isinstance(value, dict):
        return json.dumps({k: canonical(v) for k, v in sorted(value.items())}, sort_keys=True)
    if isinstance(value, (list, tuple)):
        return json.dumps([canonical(v) for v in value])
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, Decimal)):
        return str(int(value)) if value == int(value) else str(value)
    return str(value)


def digest(rows) -> tuple[int, str]:
    lines = sorted("\x1f".join(canonical(v) for v in row) for row in rows)
    return len(lines), hashlib.sha256("\x1e".join(lines).encode()).hexdigest()


def cli_json(stdout: str):
    """The JSON document of an `airflow ... -o json` command; Airflow logs warnings to stdout too."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(("[", "{")):
            return json.loads(line)
    raise ValueError(f"no JSON in output:\n{stdout[-3000:]}")
