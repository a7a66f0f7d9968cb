"""Results never depend on when ClickHouse merges (issue 12's reproduction, as a test).

On generated data: a full `dbt run`; then merges stopped on every table (standing for
merges that have not run yet); late corrections and exact duplicates inserted into the
sources; a second ordinary `dbt run` (incremental models append into their unmerged
tables, every table model re-reads them). Then:

- the dedup rule holds for the incremental branches too (compiled by that second run);
- every model, read as its readers read it (FINAL for ReplacingMergeTree), equals row for
  row (count + sum of row hashes) what a clean rebuild (`--full-refresh`) gives;
- every sync of a ReplacingMergeTree mart (and the growth/account marts the issue names)
  publishes, with exactly the mart's deduplicated rows;
- a corrected follower snapshot for an earlier day wins in the weekly series, its growth
  columns and the synced PostgreSQL table.

One server for the module (merges are stopped on it); PostgreSQL and moto S3 are the
session's. ~2 min on a quiet 2-core machine.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stir import dedup_rule
from stir.airflow.sync_pairs import SYNC_PAIRS
from stir.generate.generator import generate
from stir.generate.testing import make_client, make_dbt_runner
from stir.generate.world import World

from . import helpers as h

pytestmark = pytest.mark.slow

CREATORS = 120
SEED = 31
ANCHOR = datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)
CORRECTION = 7_654_321
# Marts whose sync the issue names besides the ReplacingMergeTree ones.
ALSO_SYNCED = {"mart_instagram_account", "mart_insta_account_monthly", "mart_youtube_channel_core",
               "mart_yt_account_monthly", "mart_genre_growth", "mart_time_series"}
@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


@pytest.fixture(scope="module")
def ch(ch_server):
    client = make_client(ch_server)
    yield client
    client.close()


@pytest.fixture(scope="module")
def dbt(ch_server, tmp_path_factory):
    return make_dbt_runner(ch_server, tmp_path_factory.mktemp("dbt-merges"))


@pytest.fixture(scope="module")
def sync_env():
    """Where downloads land: outside pytest's 0700 tree, the PostgreSQL server reads them."""
    base = Path(os.environ.get("STIR_HOME", "/tmp/stir-sync"))
    base.mkdir(parents=True, exist_ok=True)
    files = Path(tempfile.mkdtemp(prefix="pg-merges-", dir=base))
    for parent in [files, *files.parents]:
        if str(parent) in ("/", "/tmp"):
            break
        parent.chmod(parent.stat().st_mode | 0o755)
    old = os.environ.get("STIR_SYNC_LOCAL_DIR")
    os.environ["STIR_SYNC_LOCAL_DIR"] = str(files)
    yield files
    if old is None:
        os.environ.pop("STIR_SYNC_LOCAL_DIR", None)
    else:
        os.environ["STIR_SYNC_LOCAL_DIR"] = old


def tables(ch, databases=("dbt", "beat", "coffee", "vidooly", "_e")) -> dict[str, str]:
    rows = ch.query("SELECT database, name, engine FROM system.tables WHERE database IN {dbs:Array(String)} "
                    "AND engine LIKE '%MergeTree%'", parameters={"dbs": list(databases)}).result_rows
    return {f"{d}.{n}": e for d, n, e in rows}


def columns(ch, name: str) -> list[tuple[str, str]]:
    rows = ch.query("SELECT name, type FROM system.columns WHERE database = 'dbt' AND table = {t:String} "
                    "ORDER BY position", parameters={"t": name}).result_rows
    return [(r[0], r[1]) for r in rows]


# The time of the run that wrote a row (the partial tier's ranked_at): differs between any two builds.
RUN_TIME_COLUMNS = {"ranked_at"}
# Ages and "last hour" windows against now(), which moves between the two builds: compared on
# row count only. Their ReplacingMergeTree input (the scrape log) is compared in full through
# stg_beat_scrape_request_log, mart_post_scrape_status and mart_instagram_account_freshness.
CLOCK_MODELS = {"mart_data_request", "mart_scrape_request_health"}


def snapshot(ch, models: list[str]) -> dict[str, dict]:
    """Per model, as readers see it: count(), a sum of row hashes over the exact columns, and the
    sum of every float column (compared with a tolerance: averages over more, unmerged parts add
    up in another order, and a round(x, 4) of such an average can flip its last digit)."""
    engines = tables(ch, ("dbt",))
    out = {}
    for name in models:
        final = " FINAL" if dedup_rule.is_dedup_engine(engines[f"dbt.{name}"]) else ""
        cols = [(c, t) for c, t in columns(ch, name) if c not in RUN_TIME_COLUMNS]
        exact = [f"toString(`{c}`)" for c, t in cols if "Float" not in t]
        floats = [c for c, t in cols if "Float" in t]
        exprs = ["count()", "sum(cityHash64(" + ", ".join(exact) + "))"] + [f"sum(`{c}`)" for c in floats]
        row = ch.query(f"SELECT {', '.join(exprs)} FROM dbt.`{name}`{final}").result_rows[0]
        out[name] = {"rows": row[0], "hash": row[1], "float_sums": dict(zip(floats, row[2:], strict=True))}
    return out


def same(name: str, a: dict, b: dict) -> bool:
    if name in CLOCK_MODELS:
        return a["rows"] == b["rows"]
    return (a["rows"], a["hash"]) == (b["rows"], b["hash"]) and all(
        (x is None and y is None) or (x is not None and y is not None and abs(x - y) <= 1e-6 * max(abs(x), abs(y)) + 0.01)
        for x, y in zip(a["float_sums"].values(), b["float_sums"].values(), strict=True))


def late_correction(ch) -> tuple[str, str, str]:
    """A profile's last snapshot of an earlier, complete week, re-sent corrected today."""
    profile, week, day = ch.query("""
        SELECT profile_id, toStartOfWeek(date) AS week, max(date) AS day
        FROM beat.instagram_account_time_series
        WHERE toStartOfWeek(date) < toStartOfWeek(today()) - INTERVAL 2 WEEK
        GROUP BY profile_id, week
        ORDER BY profile_id DESC, week DESC LIMIT 1""").result_rows[0]
    ch.command(f"""
        INSERT INTO beat.instagram_account_time_series (profile_id, date, followers, following, media_count, created_at)
        SELECT profile_id, date, {CORRECTION}, following, media_count, now()
        FROM beat.instagram_account_time_series
        WHERE profile_id = '{profile}' AND date = '{day}'
        ORDER BY created_at DESC LIMIT 1""")
    return profile, str(week), str(day)


def exact_duplicates(ch) -> None:
    """The newest rows of the scrape and snapshot sources sent twice (a retried batch)."""
    for table, ts in (("beat.instagram_post", "updated_at"), ("beat.youtube_video", "updated_at"),
                      ("beat.instagram_account_time_series", "created_at"),
                      ("beat.youtube_channel_time_series", "created_at")):
        ch.command(f"INSERT INTO {table} SELECT * FROM {table} ORDER BY {ts} DESC LIMIT 300")


@pytest.fixture(scope="module")
def built(ch, dbt):
    for _ in generate(ch, World(seed=SEED, anchor=ANCHOR, creators=CREATORS)):
        pass
    dbt("run", "--threads", "2")
    stopped = sorted(tables(ch))
    for table in stopped:
        ch.command(f"SYSTEM STOP MERGES {table}")
    correction = late_correction(ch)
    exact_duplicates(ch)
    dbt("run", "--threads", "2")
    manifest = json.loads((dbt.workdir / "target" / "manifest.json").read_text())
    models = sorted(n["alias"] for n in manifest["nodes"].values() if n["resource_type"] == "model")
    return {"manifest": manifest, "models": models, "correction": correction, "stopped": stopped,
            "engines": tables(ch, ("dbt",)), "after": snapshot(ch, models)}


@pytest.fixture(scope="module")
def rebuilt(ch, dbt, built):
    """The reference: merges back on, every table merged, then a clean rebuild."""
    for table in built["stopped"]:
        ch.command(f"SYSTEM START MERGES {table}")
    for table, engine in tables(ch).items():
        if dedup_rule.is_dedup_engine(engine):
            ch.command(f"OPTIMIZE TABLE {table} FINAL")
    dbt("run", "--threads", "2", "--full-refresh")
    return snapshot(ch, built["models"])


def test_merges_really_stopped_and_duplicates_are_unmerged(ch, built):
    assert "dbt.mart_insta_account_weekly" in built["stopped"]
    raw, final = ch.query("SELECT (SELECT count() FROM dbt.mart_insta_account_weekly), "
                          "(SELECT count() FROM dbt.mart_insta_account_weekly FINAL)").result_rows[0]
    assert raw > final, "the second run appended no duplicate keys: the test would prove nothing"


def test_incremental_branches_follow_the_dedup_rule(built):
    weekly = next(n for n in built["manifest"]["nodes"].values() if n["name"] == "mart_insta_account_weekly")
    # the manifest holds what the second run compiled: the incremental branch (reads of {{ this }})
    assert "changed as (" in weekly["compiled_code"] and "`mart_insta_account_weekly`" in weekly["compiled_code"]
    assert dedup_rule.violations(built["manifest"]) == {}


def test_late_correction_wins_in_the_weekly_series(ch, built):
    profile, week, _day = built["correction"]
    rows = ch.query(f"""
        SELECT week, followers, followers_prev, followers_change FROM dbt.mart_insta_account_weekly FINAL
        WHERE profile_id = '{profile}' AND week >= '{week}' ORDER BY week LIMIT 2""").result_rows
    assert rows[0][:2] == (datetime.strptime(week, "%Y-%m-%d").date(), CORRECTION)
    if len(rows) > 1 and rows[1][2] is not None:
        assert rows[1][2] == CORRECTION and rows[1][3] == rows[1][1] - CORRECTION


def synced_marts(built) -> list[tuple[str, str]]:
    return [(mart, table) for _dag, mart, table in SYNC_PAIRS
            if dedup_rule.is_dedup_engine(built["engines"].get(f"dbt.{mart}")) or mart in ALSO_SYNCED]


def test_every_sync_of_a_replacing_merge_tree_mart_publishes(ch, s3, pg, sync_env, built):
    pairs = synced_marts(built)
    assert {"mart_insta_account_weekly", "mart_yt_account_weekly", "mart_instagram_post"} <= {m for m, _ in pairs}
    for mart, table in pairs:
        info = h.export_mart(ch, s3, pg, mart, table, "typed", None)
        path = h.download_direct(s3, info, sync_env)
        result = h.load_file(pg, info, path, table, None, allow_shrink=True)
        assert result.rows == built["after"][mart]["rows"], mart
        assert pg.scalar(f"SELECT count(*) FROM {table}") == built["after"][mart]["rows"], mart
    profile, week, _day = built["correction"]
    assert pg.scalar("SELECT followers FROM insta_account_weekly WHERE profile_id = %s AND week = %s",
                     (profile, week)) == CORRECTION


# Last: the clean rebuild replaces every table the tests above read.
def test_every_model_equals_a_clean_rebuild(built, rebuilt):
    after = built["after"]
    assert set(after) == set(rebuilt)
    differ = {m: {"merges stopped": after[m], "clean rebuild": rebuilt[m]} for m in after if not same(m, after[m], rebuilt[m])}
    assert sorted(differ) == [], differ
