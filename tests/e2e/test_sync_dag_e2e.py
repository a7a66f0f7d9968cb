"""Issue acceptance: `airflow dags test sync_leaderboard_prod` end to end on the embedded stack.

Generated sources -> dbt (the leaderboard and its enrichment's upstream) -> the real DAG through
moto S3, the asyncssh PostgreSQL host and PostgreSQL -> the serving table equals the mart.
"""

from __future__ import annotations

import json
import os

import clickhouse_connect
import psycopg2
import pytest

from .helpers import airflow, cli_json, digest

EXPECTED_DAGS = 78
# Values that break naive TSV/CSV/COPY handling; they go into the mart's free-text columns.
TRICKY = ["back\\slash", 'quo"te', "it's", "tab\there", "new\nline", "uni ✓ café 日本", "C:\\new folder",
          "esc \\o \\\\ \\/", "comma, semi;", "", "\\N", "\\.", "emoji 🚀"]
READER = f"stir_e2e_reader_{os.getpid()}"


def _ch(env):
    return clickhouse_connect.get_client(host=env["STIR_CH_HOST"], port=int(env["STIR_CH_PORT"]),
                                         username=env["STIR_CH_USER"], password=env["STIR_CH_PASSWORD"])


def _pg(env, dbname=None):
    conn = psycopg2.connect(host=env["STIR_PG_HOST"], port=int(env["STIR_PG_PORT"]), user="postgres",
                            dbname=dbname or env["STIR_PG_DATABASE"])
    conn.autocommit = True
    return conn


def _scalar(conn, sql, args=()):
    with conn.cursor() as cur:
        cur.execute(sql, args or None)
        return cur.fetchone()[0]


def _rows(conn, sql, args=()):
    with conn.cursor() as cur:
        cur.execute(sql, args or None)
        return cur.fetchall()


def _dag_test(env, dag_id: str) -> None:
    """`airflow dags test`, then the run's state from Airflow's own metadata (the exit code alone
    does not say every task succeeded)."""
    result = airflow(env, "dags", "test", dag_id)
    log = result.stdout[-6000:] + result.stderr[-6000:]
    assert result.returncode == 0, log
    meta = _pg(env, env["STIR_AIRFLOW_DB"])
    try:
        runs = _rows(meta, "SELECT state FROM dag_run WHERE dag_id = %s ORDER BY id DESC LIMIT 1", (dag_id,))
        failed = _rows(meta, "SELECT task_id, state FROM task_instance WHERE run_id = (SELECT run_id FROM "
                             "dag_run WHERE dag_id = %s ORDER BY id DESC LIMIT 1) AND dag_id = %s "
                             "AND state IS DISTINCT FROM 'success'", (dag_id, dag_id))
    finally:
        meta.close()
    assert runs and runs[0][0] == "success" and not failed, f"{dag_id}: {runs} {failed}\n{log}"


def _export_xcom(env, dag_id: str, task_id: str) -> dict:
    """What the latest run's export task returned, from Airflow's metadata database."""
    meta = _pg(env, env["STIR_AIRFLOW_DB"])
    try:
        value = _rows(meta, "SELECT x.value FROM xcom x JOIN dag_run r ON r.id = x.dag_run_id "
                            "WHERE x.dag_id = %s AND x.task_id = %s AND x.key = 'return_value' "
                            "ORDER BY r.id DESC LIMIT 1", (dag_id, task_id))[0][0]
    finally:
        meta.close()
    return json.loads(value) if isinstance(value, str) else value


def _mart_columns(ch) -> list[str]:
    return [r[0] for r in ch.query("DESCRIBE TABLE dbt.mart_leaderboard").result_rows]


def _insert_tricky_rows(ch) -> None:
    """Copies of real rows under new ids whose handle/category/language carry the TRICKY strings."""
    literal = "[" + ", ".join("'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'" for s in TRICKY) + "]"
    n = len(TRICKY)
    ch.command(f"""
        INSERT INTO dbt.mart_leaderboard
        SELECT * REPLACE (concat('e2e_tricky_', toString(rowNumberInAllBlocks())) AS platform_id,
                          {literal}[rowNumberInAllBlocks() % {n} + 1] AS handle,
                          {literal}[(rowNumberInAllBlocks() + 3) % {n} + 1] AS category,
                          {literal}[(rowNumberInAllBlocks() + 7) % {n} + 1] AS language)
        FROM dbt.mart_leaderboard WHERE profile_platform = 'IA' LIMIT {3 * n}""")


@pytest.fixture(scope="module")
def reader_role(built):
    """A view over the serving table and a reader role's grants, made before any sync: both must
    survive every swap."""
    conn = _pg(built)
    with conn.cursor() as cur:
        cur.execute(f"DROP ROLE IF EXISTS {READER}")
        cur.execute(f"CREATE ROLE {READER}")
        cur.execute("CREATE OR REPLACE VIEW leaderboard_ia AS SELECT month, platform_id, followers "
                    "FROM leaderboard WHERE profile_platform = 'IA'")
        cur.execute(f"GRANT SELECT ON leaderboard, leaderboard_ia TO {READER}")
    yield READER
    with conn.cursor() as cur:
        cur.execute("DROP VIEW IF EXISTS leaderboard_ia")
        cur.execute(f"DROP OWNED BY {READER}")
        cur.execute(f"DROP ROLE IF EXISTS {READER}")
    conn.close()


def test_airflow_sees_every_dag_without_import_errors(e2e_stack):
    # --local parses dags/ with the stack's env now; the DB path is test_airflow_standalone's.
    errors = airflow(e2e_stack, "dags", "list-import-errors", "--local", "-o", "json")
    assert errors.returncode == 0, errors.stderr[-4000:]
    assert cli_json(errors.stdout) == [], errors.stdout[-4000:]
    listed = airflow(e2e_stack, "dags", "list", "--local", "-o", "json")
    assert listed.returncode == 0, listed.stderr[-4000:]
    dag_ids = {d["dag_id"] for d in cli_json(listed.stdout)}
    assert len(dag_ids) == EXPECTED_DAGS, sorted(dag_ids)
    assert {"sync_leaderboard_prod", "dbt_daily", "dbt_core"} <= dag_ids


def test_sync_leaderboard_prod_end_to_end(built, reader_role):
    env, ch = built, _ch(built)
    # The enrichment joins PostgreSQL's instagram_account(_search): fill them the scheduled way first.
    _dag_test(env, "sync_insta_accounts_prod")
    _dag_test(env, "sync_insta_account_search")
    _insert_tricky_rows(ch)
    columns = _mart_columns(ch)
    select = ", ".join(columns)
    mart = digest(ch.query(f"SELECT {select} FROM dbt.mart_leaderboard").result_rows)
    assert mart[0] > 100

    _dag_test(env, "sync_leaderboard_prod")
    pg = _pg(env)
    assert digest(_rows(pg, f"SELECT {select} FROM leaderboard")) == mart
    tricky = {r[0] for r in _rows(pg, "SELECT handle FROM leaderboard WHERE platform_id LIKE 'e2e_tricky_%'")}
    assert tricky == set(TRICKY)
    # Instagram rows whose account was synced carry its profile id and search phrase.
    enriched = _scalar(pg, "SELECT count(*) FROM leaderboard WHERE profile_platform = 'IA' "
                           "AND platform_profile_id IS NOT NULL AND search_phrase IS NOT NULL")
    accounts = _scalar(pg, "SELECT count(*) FROM leaderboard l JOIN instagram_account ia "
                           "ON l.profile_platform = 'IA' AND ia.ig_id = l.platform_id")
    assert enriched == accounts > 0
    first_oid = _scalar(pg, "SELECT 'leaderboard'::regclass::oid")

    # Again with the export split into objects (STIR_SYNC_ROWS_PER_FILE): the XCom names each part,
    # the SSH step fetches them all, the load COPYs them in one transaction: the same table.
    _dag_test({**env, "STIR_SYNC_ROWS_PER_FILE": str(mart[0] // 3)}, "sync_leaderboard_prod")
    assert len(_export_xcom(env, "sync_leaderboard_prod", "leaderboard.export")["keys"]) >= 3
    assert digest(_rows(pg, f"SELECT {select} FROM leaderboard")) == mart
    assert _scalar(pg, "SELECT 'leaderboard_old_bkp'::regclass::oid") == first_oid
    assert _scalar(pg, "SELECT count(*) FROM leaderboard_old_bkp") == mart[0]
    # The view follows the live table, and the reader keeps its grants on both.
    assert _scalar(pg, "SELECT count(*) FROM leaderboard_ia") == _scalar(
        pg, "SELECT count(*) FROM leaderboard WHERE profile_platform = 'IA'")
    view_deps = {r[0] for r in _rows(pg, "SELECT DISTINCT d.refobjid::regclass::text FROM pg_depend d "
                                         "JOIN pg_rewrite r ON r.oid = d.objid "
                                         "WHERE r.ev_class = 'leaderboard_ia'::regclass AND d.refobjid <> r.ev_class")}
    assert view_deps == {"leaderboard"}
    for rel in ("leaderboard", "leaderboard_ia"):
        assert _scalar(pg, "SELECT has_table_privilege(%s, %s, 'SELECT')", (reader_role, rel)), rel
    pg.close()
