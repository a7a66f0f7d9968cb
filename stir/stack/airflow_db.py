"""`airflow db migrate` against the stack's PostgreSQL, skipped when the schema is already current."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import psycopg2

from stir.stack import postgres
from stir.stack.layout import Layout, airflow_database

MIGRATE_TIMEOUT = 600


def _marker(layout: Layout):
    return layout.run / "airflow-db.json"


def _schema_present(database: str) -> bool:
    try:
        conn = postgres.connect(database)
    except psycopg2.Error:
        return False
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL")
            return bool(cur.fetchone()[0])
    finally:
        conn.close()


def is_current(layout: Layout, env: dict[str, str]) -> bool:
    try:
        marker = json.loads(_marker(layout).read_text())
    except (FileNotFoundError, ValueError):
        return False
    return (marker.get("airflow") == version("apache-airflow-core")
            and marker.get("sql_alchemy_conn") == env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
            and _schema_present(airflow_database()))


def migrate(layout: Layout, env: dict[str, str]) -> str:
    """Returns a short note for the progress line; raises on failure (log in logs/airflow-db.log)."""
    if is_current(layout, env):
        return "schema current"
    log_file = layout.log_file("airflow-db")
    with open(log_file, "ab") as log:
        result = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], env=env,
                                stdout=log, stderr=subprocess.STDOUT, timeout=MIGRATE_TIMEOUT,
                                cwd=str(layout.airflow_home))
    if result.returncode != 0:
        raise RuntimeError(f"airflow db migrate exited {result.returncode}")
    _marker(layout).write_text(json.dumps({
        "airflow": version("apache-airflow-core"),
        "sql_alchemy_conn": env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"],
    }))
    return "migrated"
