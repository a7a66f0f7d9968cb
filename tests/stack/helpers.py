"""Helpers for stack tests: run `stir` against a fresh STIR_HOME on the stack area's test ports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from stir.stack.envvars import parse_shell as parse_exports  # noqa: F401  (used by the suite)

# Test ports/databases default to the stack area's own (overridable like everything else),
# so a run never touches another engineer's servers or the default `beat`/`airflow` DBs.
TEST_DEFAULTS = {
    "STIR_CH_PORT": "28123",
    "STIR_S3_PORT": "29000",
    "STIR_SSH_PORT": "22222",
    "STIR_SIDECAR_PORT": "28765",
    "STIR_AIRFLOW_PORT": "28080",
    "STIR_PG_PORT": "5432",
    "STIR_PG_DATABASE": "beat_stacktest",
    "STIR_AIRFLOW_DB": "airflow_stacktest",
}
TEST_ROOT = Path(os.environ.get("STIR_STACK_TEST_ROOT", "/tmp/stir-stack/tests"))


# Serving databases this run created on the machine's PostgreSQL (dropped at session end).
CREATED_DATABASES: list[str] = []

# Settings other suites in the same pytest session export (their ports, Airflow config)
# must not leak into the stack under test.
_FOREIGN_PREFIXES = ("STIR_", "AIRFLOW_", "DBT_")


def stack_env(home: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN_PREFIXES)}
    env.update(TEST_DEFAULTS)
    # One serving database per STIR_HOME: migrations refuse a database whose applied files
    # were edited since, so a database left by an older checkout must never be reused.
    env["STIR_PG_DATABASE"] = f"{TEST_DEFAULTS['STIR_PG_DATABASE']}_{home.name.rsplit('-', 1)[-1]}"
    env.update(overrides)
    env["STIR_HOME"] = str(home)
    if env["STIR_PG_DATABASE"] not in CREATED_DATABASES:
        CREATED_DATABASES.append(env["STIR_PG_DATABASE"])
    return env


CREATED_HOMES: list[Path] = []


def fresh_home(tag: str) -> Path:
    home = TEST_ROOT / f"{tag}-{uuid.uuid4().hex[:8]}"
    home.mkdir(parents=True)
    CREATED_HOMES.append(home)
    TEST_ROOT.chmod(0o755)  # an owned PostgreSQL runs as another user and must traverse here
    return home


def stir(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stir", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def status(env: dict[str, str]) -> dict[str, dict]:
    result = stir(env, "stack", "status", "--json")
    return {row["component"]: row for row in json.loads(result.stdout)}


