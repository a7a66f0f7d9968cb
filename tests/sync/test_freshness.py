"""Freshness: recorded in the swap transaction, reported by `stir freshness` and the plugin alike.

Real ClickHouse server, moto S3 and PostgreSQL; the mart's build time comes from ClickHouse.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stir.sync import freshness, load, settings
from stir.sync.errors import SyncRefused
from stir.sync.names import TableNames

from . import helpers as h


@pytest.fixture(scope="module")
def published(ch, s3, pg, stack_env):
    h.seed_accounts(pg, "generate_series(1, 300, 2)")
    h.build_mart(ch, "mart_leaderboard", h.LEADERBOARD_CH, h.leaderboard_rows_sql(300))
    built = freshness.snapshot_built_at(ch, "dbt", "mart_leaderboard")
    files = Path(stack_env["STIR_SYNC_LOCAL_DIR"])  # readable by the PostgreSQL server
    _sync(ch, s3, pg, files, built, "run-1")
    return built, files


def _sync(ch, s3, pg, files, built, run_id, **kw):
    info = h.export_mart(ch, s3, pg, "mart_leaderboard", "leaderboard", "typed", "instagram_account")
    path = h.download_direct(s3, info, files)
    req = load.LoadRequest(TableNames.parse("leaderboard"), path, "typed", list(info["columns"]), info["rows"],
                           "instagram_account", freshness={"mart": "dbt.mart_leaderboard", "built_at": built,
                                                           "dag_id": "sync_leaderboard_prod", "run_id": run_id}, **kw)
    conn = pg.connect()
    try:
        return load.sync_table(conn, req, settings.current(), lambda _: None)
    finally:
        conn.close()


def test_sync_records_build_time_publish_time_and_rows(published, pg):
    built, _ = published
    now = dt.datetime.now(dt.timezone.utc)
    assert built is not None and abs((now - built).total_seconds()) < 600
    row = pg.rows("SELECT mart, built_at, published_at, rows, run_id FROM stir_meta.table_freshness "
                  "WHERE table_name = 'public.leaderboard'")
    assert len(row) == 1
    mart, built_at, published_at, rows, run_id = row[0]
    assert (mart, built_at, rows, run_id) == ("dbt.mart_leaderboard", built, 300, "run-1")
    assert built_at <= published_at <= now + dt.timedelta(seconds=5)


def test_a_refused_swap_records_nothing(published, ch, s3, pg):
    built, files = published
    h.build_mart(ch, "mart_leaderboard", h.LEADERBOARD_CH, h.leaderboard_rows_sql(20))
    with pytest.raises(SyncRefused):
        _sync(ch, s3, pg, files, built + dt.timedelta(minutes=1), "run-shrunk")
    assert pg.rows("SELECT rows, run_id FROM stir_meta.table_freshness") == [(300, "run-1")]


def test_status_against_the_tier_objective():
    tag, goal, limit = freshness.objective("mart_leaderboard")
    assert tag == "daily" and goal == dt.timedelta(hours=24 + 6) and limit > goal
    _, core_goal, _ = freshness.objective("mart_instagram_account_core")
    assert core_goal == dt.timedelta(minutes=15 + 60)
    assert freshness.status_of(dt.timedelta(hours=29), goal, limit) == "ok"
    assert freshness.status_of(dt.timedelta(hours=31), goal, limit) == "late"
    assert freshness.status_of(limit + dt.timedelta(minutes=1), goal, limit) == "stale"
    assert freshness.status_of(None, goal, limit) == "stale"


def test_cli_plugin_page_and_api_agree_and_the_png_is_written(published, pg, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    png = tmp_path / "freshness.png"
    out = subprocess.run([sys.executable, "-m", "stir", "freshness", "--dsn", pg.dsn, "--json", "--png", str(png)],
                         capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert out.returncode == 0, out.stderr[-2000:]
    cli = json.loads(out.stdout[:out.stdout.rindex("]") + 1])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    monkeypatch.setenv("STIR_PG_DSN", pg.dsn)
    from stir.airflow.plugin_app import app

    client = TestClient(app)
    api = client.get("/api/freshness").json()
    key = lambda rows: {r["table"]: (r["mart"], r["tier"], r["status"], r["rows"], r["built_at"]) for r in rows}  # noqa: E731
    assert key(api) == key(cli)
    served = {t for _, t in freshness.served_pairs()}
    assert set(key(api)) == served and len(served) >= 40
    assert key(api)["public.leaderboard"][2:4] == ("ok", 300)
    assert {r["status"] for r in api if r["table"] != "public.leaderboard"} == {"stale"}  # never published
    page = client.get("/freshness")
    assert page.status_code == 200 and "public.leaderboard" in page.text and "never" in page.text
    image = client.get("/freshness.png")
    assert image.headers["content-type"] == "image/png" and image.content[:4] == b"\x89PNG"
    text = subprocess.run([sys.executable, "-m", "stir", "freshness", "--dsn", pg.dsn, "--png", "-"],
                          capture_output=True, text=True, timeout=120).stdout
    assert "public.leaderboard" in text and "served tables:" in text
