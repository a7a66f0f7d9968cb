"""One embedded stack (`stir stack up`) in a fresh STIR_HOME on free ports, shared by the e2e tests.

Fixtures
    e2e_stack   dict of the environment a user gets after `source $STIR_HOME/stack.env`, plus
                DBT_TARGET_PATH/DBT_LOG_PATH under the home; `stir stack down` at the end.
    generated   the stack with generated sources (1,500 creators, STIR_E2E_CREATORS).
    built       generated, plus the leaderboard's upstream built by dbt, so the sync DAGs have
                real marts to export.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import psycopg2
import pytest

from stir.chserver.testing import free_ports

from .helpers import dbt, parse_exports, run_stir

E2E_CREATORS = int(os.environ.get("STIR_E2E_CREATORS", "1500"))




def _drop_database(env: dict[str, str], name: str) -> None:
    conn = psycopg2.connect(host=env["STIR_PG_HOST"], port=int(env["STIR_PG_PORT"]), user="postgres",
                            dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture(scope="session")
def e2e_stack():
    home = Path(tempfile.mkdtemp(prefix="stir-e2e-test-"))
    home.chmod(0o755)  # a pgserver-owned PostgreSQL runs as another user and must traverse here
    ch, s3, ssh, sidecar, api = free_ports(5)
    # A database per run: the second-run assertions (old_bkp exists) must not see an earlier run's tables.
    pg_db = f"beat_e2etest_{os.getpid()}"
    # Other suites in the same session export their own ports and Airflow settings (DAG
    # bundles included): none of it may leak into the stack under test.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("STIR_", "AIRFLOW_", "DBT_"))}
    env = {**inherited, "STIR_HOME": str(home), "STIR_CH_PORT": str(ch), "STIR_S3_PORT": str(s3),
           "STIR_SSH_PORT": str(ssh), "STIR_SIDECAR_PORT": str(sidecar), "STIR_AIRFLOW_PORT": str(api),
           "STIR_PG_DATABASE": pg_db,
           # Airflow's metadata schema is kept across runs: migrating it from scratch costs a minute.
           "STIR_AIRFLOW_DB": os.environ.get("STIR_E2E_AIRFLOW_DB", "airflow_e2etest"),
           "DBT_TARGET_PATH": str(home / "dbt-target"), "DBT_LOG_PATH": str(home / "dbt-logs")}
    up = run_stir(env, "stack", "up", timeout=900)
    try:
        assert up.returncode == 0, f"stack up failed:\n{up.stdout[-4000:]}\n{up.stderr[-4000:]}"
        env.update(parse_exports((home / "stack.env").read_text()))
        yield env
    finally:
        run_stir(env, "stack", "down", timeout=300)
        if "STIR_PG_PORT" in env and os.environ.get("STIR_E2E_KEEP") != "1":
            try:
                _drop_database(env, pg_db)
            except psycopg2.Error:
                pass  # an owned PostgreSQL went down with the stack, and its data with the home
            shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def generated(e2e_stack):
    gen = run_stir(e2e_stack, "generate", "--creators", str(E2E_CREATORS), "--seed", "7", timeout=600)
    assert gen.returncode == 0, gen.stdout[-3000:] + gen.stderr[-3000:]
    return e2e_stack


@pytest.fixture(scope="session")
def built(generated):
    e2e_stack = generated
    # The leaderboard and the two tables its enrichment joins (instagram_account, _search).
    result = dbt(e2e_stack, "build", "--select", "+mart_leaderboard", "+mart_instagram_account",
                 "+mart_instagram_account_search", "--indirect-selection", "cautious")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    return e2e_stack
