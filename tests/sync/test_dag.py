"""The builder inside a real DAG, run with dag.test() against the session's engines."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import psycopg2
import pytest

from . import helpers as h
from .conftest import PG_HOST, PG_PORT, admin_conn

AIRFLOW_DB = "stir_sync_airflow"

DAG_SCRIPT = textwrap.dedent("""
    import datetime as dt, json, sys
    from airflow.sdk import DAG
    from stir.airflow.sync import clickhouse_to_postgres

    with DAG(dag_id="test_sync_leaderboard", schedule=None, start_date=dt.datetime(2024, 1, 1),
             catchup=False) as dag:
        clickhouse_to_postgres(mart="mart_leaderboard", table="leaderboard", enrich="instagram_account")

    if __name__ == "__main__":
        run = dag.test(run_conf=json.loads(sys.argv[1]))
        states = {ti.task_id: str(getattr(ti.state, "value", ti.state)) for ti in run.get_task_instances()}
        print("STATES " + json.dumps(states))
""")


def airflow_env(stack_env, tmp_path) -> dict:
    url = f"postgresql+psycopg2://postgres@{PG_HOST}:{PG_PORT}/{AIRFLOW_DB}"
    # Other suites in the same pytest session set Airflow options in os.environ (the DAG
    # tests point the DAG bundle at their own folder, which leaves this DAG outside every
    # bundle, so dag.test() cannot serialize it): inherit none of them.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_")}
    return {**inherited, **stack_env, "AIRFLOW_HOME": str(tmp_path / "airflow"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": url, "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(tmp_path / "dags")}


@pytest.fixture(scope="module")
def airflow_db(stack_env, tmp_path_factory):
    """Airflow's metadata schema in its own database, migrated once and reused across runs."""
    admin = admin_conn()
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (AIRFLOW_DB,))
        if not cur.fetchone():
            cur.execute(f"CREATE DATABASE {AIRFLOW_DB}")
    admin.close()
    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname=AIRFLOW_DB)
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL")
        present = cur.fetchone()[0]
    conn.close()
    env = airflow_env(stack_env, tmp_path_factory.mktemp("af"))
    dags = os.path.join(env["AIRFLOW__CORE__DAGS_FOLDER"])
    os.makedirs(dags, exist_ok=True)
    with open(os.path.join(dags, "test_sync_leaderboard.py"), "w") as f:
        f.write(DAG_SCRIPT)
    if not present:
        subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], env=env, check=True,
                       capture_output=True, timeout=600)
    return env


def run_dag(env: dict, conf: dict) -> tuple[dict, str]:
    import json

    dag_file = os.path.join(env["AIRFLOW__CORE__DAGS_FOLDER"], "test_sync_leaderboard.py")
    out = subprocess.run([sys.executable, dag_file, json.dumps(conf)], env=env, capture_output=True,
                         text=True, timeout=600)
    line = [x for x in out.stdout.splitlines() if x.startswith("STATES ")]
    assert line, f"dag.test() did not finish:\n{out.stdout[-3000:]}\n{out.stderr[-5000:]}"
    return json.loads(line[-1][7:]), out.stdout + out.stderr


def test_dag_syncs_leaderboard_end_to_end(ch, pg, airflow_db):
    h.seed_accounts(pg, "generate_series(1, 2000)")
    h.build_mart(ch, "mart_leaderboard", h.LEADERBOARD_CH, h.leaderboard_rows_sql(2000, version=7))
    states, log = run_dag(airflow_db, {})
    assert states == {"leaderboard.export": "success", "leaderboard.download": "success",
                      "leaderboard.load": "success", "leaderboard.vacuum": "success"}, log[-4000:]
    cols = h.LEADERBOARD_COLUMNS
    assert h.pg_digest(pg, "leaderboard", cols) == h.ch_digest(ch, "mart_leaderboard", cols)
    # Instagram rows (number % 3 != 0) with an account (pid_1..pid_1999) are enriched.
    assert pg.scalar("SELECT count(platform_profile_id) FROM leaderboard") == len(
        [n for n in range(1, 2000) if n % 3 != 0])
    assert "stir-test-secret" not in log

    # A shrunken mart is refused (load fails with the reason) unless the run says allow_shrink.
    h.build_mart(ch, "mart_leaderboard", h.LEADERBOARD_CH, h.leaderboard_rows_sql(500, version=8))
    before = h.oid_and_count(pg, "leaderboard")
    states, log = run_dag(airflow_db, {})
    assert states["leaderboard.load"] == "failed" and "SyncRefused" in log and "allow_shrink" in log
    assert h.oid_and_count(pg, "leaderboard") == before
    states, log = run_dag(airflow_db, {"allow_shrink": True})
    assert states["leaderboard.vacuum"] == "success", log[-4000:]
    assert pg.scalar("SELECT count(*) FROM leaderboard") == 500
