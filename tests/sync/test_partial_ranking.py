"""Issue 12 item 4: the partial post ranking reaches the app within one partial cycle.

A new post row for a hot profile in beat.instagram_post -> dbt (stg_beat_instagram_post and
mart_instagram_post, as dbt_core builds them, then tag:post_ranker_partial) on a real ClickHouse server -> the real DAG
file dags/instagram/sync_insta_ranking_partial.py run with dag.test() (export to moto S3,
SSH download, upsert) -> the served PostgreSQL tables show the post's ranking and summary.
A profile that did not post is not touched; a full build newer than the partial rows makes
the next run publish nothing; a load that fails half-way leaves the live table as it was.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import psycopg2
import pytest

from stir import config
from stir.generate.testing import apply_sources, insert_rows, make_client, make_dbt_runner
from stir.sync import load, settings, upsert
from stir.sync.errors import SyncRefused
from stir.sync.names import TableNames

from . import helpers as h
from .test_dag import airflow_db  # noqa: F401  (a migrated Airflow DB and its DAG folder)

NOW = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
DAY = dt.timedelta(days=1)
DAG_ID = "sync_insta_ranking_partial"
DAG_FILE = config.DAGS_DIR / "instagram" / f"{DAG_ID}.py"
# (partial mart, served table, full mart), as the DAG lists them
PAIRS = [("mart_instagram_recent_post_stats_partial", "instagram_recent_post_stats", "mart_instagram_recent_post_stats"),
         ("mart_instagram_post_ranking_partial", "instagram_post_ranking", "mart_instagram_post_ranking"),
         ("mart_instagram_account_summary_partial", "instagram_account_summary", "mart_instagram_account_summary")]
ORDER = {"instagram_recent_post_stats": "shortcode", "instagram_post_ranking": "post_class, metric, rank",
         "instagram_account_summary": "profile_id"}
MAIN = """

if __name__ == "__main__":
    import json, sys
    run = dag.test(run_conf=json.loads(sys.argv[1]))
    states = {ti.task_id: str(getattr(ti.state, "value", ti.state)) for ti in run.get_task_instances()}
    print("STATES " + json.dumps(states))
"""


def post(shortcode, profile_id, published, likes, updated_at, post_type="reels"):
    return {"id": 1, "shortcode": shortcode, "profile_id": profile_id, "post_type": post_type, "likes": likes,
            "comments": likes // 100, "views": likes * 3, "plays": likes * 2, "publish_time": published,
            "created_at": updated_at, "updated_at": updated_at}


def account(profile_id, followers):
    return {"id": 1, "profile_id": profile_id, "handle": profile_id, "followers": followers, "following": 5,
            "account_type": "CREATOR", "created_at": NOW - DAY, "updated_at": NOW - DAY}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """Its own ClickHouse server: the session's holds other modules' generated sources."""
    from stir.chserver.testing import running_server

    with running_server() as server:
        client = make_client(server)
        apply_sources(client)
        yield server, client, make_dbt_runner(server, tmp_path_factory.mktemp("dbt-partial"))
        client.close()


@pytest.fixture(scope="module")
def dag_env(warehouse, airflow_db):  # noqa: F811
    """The real DAG file, with a __main__ that runs dag.test(), in the Airflow DB's DAG folder."""
    server, _, _ = warehouse
    import json

    folder = Path(airflow_db["AIRFLOW__CORE__DAGS_FOLDER"])
    (folder / f"{DAG_ID}.py").write_text(DAG_FILE.read_text(encoding="utf-8") + MAIN, encoding="utf-8")
    conn = {"conn_type": "clickhouse", "host": server.host, "port": server.port, "login": "default",
            "schema": "dbt", "extra": {"secure": False}}
    return {**airflow_db, "AIRFLOW_CONN_CLICKHOUSE_GCC": json.dumps(conn), "STIR_DEADLINE_ALERTS": "off"}


def run_partial_dag(env: dict) -> tuple[dict, str]:
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, str(Path(env["AIRFLOW__CORE__DAGS_FOLDER"]) / f"{DAG_ID}.py"), "{}"],
                         env=env, capture_output=True, text=True, timeout=600)
    line = [x for x in out.stdout.splitlines() if x.startswith("STATES ")]
    assert line, f"dag.test() did not finish:\n{out.stdout[-3000:]}\n{out.stderr[-5000:]}"
    return json.loads(line[-1][7:]), out.stdout + out.stderr


def served(pg, table: str, profile: str) -> list[tuple]:
    return pg.rows(f"SELECT * FROM {table} WHERE profile_id = %s ORDER BY {ORDER[table]}", (profile,))


@pytest.fixture(scope="module")
def published(warehouse, s3, pg, stack_env):
    """Full build and full syncs first (what the app serves), then the new post and one partial cycle."""
    _, ch, dbt = warehouse
    insert_rows(ch, "beat.instagram_post",
                [post(f"H{i}", "hot1", NOW - i * DAY, 1000 * i, NOW - dt.timedelta(hours=1)) for i in range(1, 6)]
                + [post(f"C{i}", "cold1", NOW - (i + 5) * DAY, 500 * i, NOW - 3 * DAY) for i in range(1, 4)])
    insert_rows(ch, "beat.instagram_account", [account("hot1", 20_000), account("cold1", 9_000)])
    dbt("run", "--select", "+path:models/marts/profile_stats", "+path:models/marts/profile_stats_partial")
    local = Path(stack_env["STIR_SYNC_LOCAL_DIR"])
    for _partial, table, full in PAIRS:
        info = h.export_mart(ch, s3, pg, full, table)
        h.load_file(pg, info, h.download_direct(s3, info, local), table, allow_shrink=True)
    before = {table: {p: served(pg, table, p) for p in ("hot1", "cold1")} for _, table, _ in PAIRS}
    summary = pg.rows("SELECT post_count, top_reel_by_likes FROM instagram_account_summary WHERE profile_id = 'hot1'")

    time.sleep(1.1)  # ranked_at (seconds) strictly after the full build
    insert_rows(ch, "beat.instagram_post", [post("NEW1", "hot1", NOW - dt.timedelta(minutes=20), 50_000, NOW)])
    # dbt_core's part (the post's latest state), then the partial tier as its DAG selects it
    dbt("run", "--select", "stg_beat_instagram_post", "mart_instagram_post")
    dbt("run", "--select", "tag:post_ranker_partial", "--exclude", "tag:deprecated", "tag:core")
    return {"ch": ch, "dbt": dbt, "before": before, "summary_before": summary}


def test_a_hot_profiles_new_post_is_served_after_one_partial_cycle(published, pg, dag_env):
    ch = published["ch"]
    states, log = run_partial_dag(dag_env)
    assert set(states.values()) == {"success"} and len(states) == 9, log[-4000:]

    (new,) = pg.rows("SELECT profile_id, likes, post_class, post_rank, post_rank_by_class "
                     "FROM instagram_recent_post_stats WHERE shortcode = 'NEW1'")
    assert new == ("hot1", 50_000, "reels", 1, 1)
    assert pg.scalar("SELECT shortcode FROM instagram_post_ranking WHERE profile_id = 'hot1' "
                     "AND post_class = 'reels' AND metric = 'likes' AND rank = 1") == "NEW1"
    summary = pg.rows("SELECT post_count, top_reel_by_likes FROM instagram_account_summary "
                      "WHERE profile_id = 'hot1'")
    assert published["summary_before"] == [(5, "H5")] and summary == [(6, "NEW1")]
    # Every served row of hot1 is the partial mart's latest ranking, value for value.
    for partial, table, _full in PAIRS:
        cols = [c for c, _ in pg.rows("SELECT attname, 1 FROM pg_attribute WHERE attrelid = %s::regclass "
                                      "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", (table,))]
        where = "profile_id = 'hot1' AND " + upsert.latest_rows_where(partial, "profile_id", None)
        mart = ch.query(f"SELECT {', '.join(cols)} FROM dbt.{partial} FINAL WHERE {where}").result_rows
        assert h.table_digest(mart) == h.table_digest(served(pg, table, "hot1")), table
        # cold1 did not post: its rows are exactly what the full sync published.
        assert served(pg, table, "cold1") == published["before"][table]["cold1"] != [], table
    fresh = pg.rows("SELECT mart, rows, dag_id FROM stir_meta.table_freshness WHERE table_name = %s",
                    ("public.instagram_post_ranking#partial",))
    assert fresh == [("dbt.mart_instagram_post_ranking_partial", pg.scalar(
        "SELECT count(*) FROM instagram_post_ranking WHERE profile_id = 'hot1'"), DAG_ID)]


def test_a_failed_upsert_leaves_the_live_table_as_it_was(published, s3, pg, stack_env):
    """The DELETE ran, the INSERT failed (the file holds every row twice): all rolled back."""
    ch, table = published["ch"], "instagram_recent_post_stats"
    where = upsert.latest_rows_where("mart_instagram_recent_post_stats_partial", "profile_id", None)
    info = h.export_mart(ch, s3, pg, "mart_instagram_recent_post_stats_partial", table, where=where)
    (path,) = h.download_direct(s3, info, Path(stack_env["STIR_SYNC_LOCAL_DIR"]))
    text = Path(path).read_text(encoding="utf-8")
    Path(path).write_text(text + text, encoding="utf-8")
    live = pg.rows(f"SELECT * FROM {table} ORDER BY shortcode")
    for expected, error in ((info["rows"], SyncRefused), (2 * info["rows"], psycopg2.errors.UniqueViolation)):
        request = load.LoadRequest(TableNames.parse(table), path, "typed", list(info["columns"]), expected)
        conn = pg.connect()
        try:
            with pytest.raises(error):
                upsert.upsert_rows(conn, request, "profile_id", settings.current(), lambda _: None)
        finally:
            conn.close()
        assert pg.rows(f"SELECT * FROM {table} ORDER BY shortcode") == live
    assert pg.scalar("SELECT count(*) FROM pg_class WHERE relname LIKE %s", (f"{table}\\_\\_%",)) == 0


def test_a_newer_full_build_is_never_overwritten_by_older_partial_rows(published, pg, dag_env):
    """After post_ranker rebuilt the full marts, the partial rows are older: the run publishes nothing."""
    time.sleep(1.1)
    published["dbt"]("run", "--select", "path:models/marts/profile_stats")
    pg.execute("UPDATE instagram_account_summary SET post_count = -1 WHERE profile_id = 'hot1'")
    states, log = run_partial_dag(dag_env)
    assert {k: v for k, v in states.items() if k.endswith(".export")} == {
        f"{t}.export": "skipped" for _, t, _ in PAIRS}, log[-4000:]
    assert set(states.values()) == {"skipped"}, states
    assert pg.scalar("SELECT post_count FROM instagram_account_summary WHERE profile_id = 'hot1'") == -1


def test_export_where_picks_each_keys_latest_ranking():
    sql = upsert.latest_rows_where("mart_x_partial", "profile_id", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    assert sql == ("(profile_id, ranked_at) IN (SELECT profile_id, max(ranked_at) FROM dbt.mart_x_partial FINAL "
                   "GROUP BY profile_id HAVING max(ranked_at) > toDateTime(1767225600))")
    assert upsert.full_mart("mart_x_partial") == "mart_x"
    with pytest.raises(ValueError):
        upsert.full_mart("mart_x")



def test_every_partial_mart_carries_its_served_tables_columns(published, pg):
    """All six upsert pairs (YouTube too): the export plan finds every served column in the partial mart."""
    from stir.airflow.sync_pairs import UPSERT_PAIRS
    from stir.sync import export, pgmeta

    conn = pg.connect()
    try:
        cur = conn.cursor()
        for _dag, mart, table, key in UPSERT_PAIRS:
            ch_columns = export.describe(published["ch"], mart)
            planned = export.plan_columns(pgmeta.columns(cur, pgmeta.oid(cur, "public", table)), ch_columns)
            assert key in [c.name for c in planned] and "ranked_at" in ch_columns, (mart, table)
    finally:
        conn.close()
