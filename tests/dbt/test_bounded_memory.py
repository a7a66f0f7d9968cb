"""Memory-bounded builds (issue 11), at small scale.

- The dbt profile caps every query's memory (STIR_CH_MAX_MEMORY_USAGE): a model that
  outgrows the cap fails with MEMORY_LIMIT_EXCEEDED naming itself, and the server stays
  up for the next model.
- A partition-wise first build (macros/partition_batches.sql: month batches for the
  staging of posts and videos, month batches reading one month back for the leaderboards'
  previous-month ranks, key-range batches for the other marts) leaves exactly the rows of a
  one-shot build: same count and content hash (read with FINAL where the engine folds
  duplicates), and both full refreshes (batched over unbatched) agree too.

One fresh server; a generated world of 600 creators with stir_batch_rows small enough
that every batched model splits into several batches.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime

import pytest

from stir.generate.generator import generate
from stir.generate.testing import make_dbt_runner
from stir.generate.world import World

CREATORS = 600
ANCHOR = datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)
BATCHED = ("stg_beat_instagram_post", "stg_beat_youtube_video", "mart_instagram_post",
           "mart_time_series", "mart_insta_account_weekly", "mart_instagram_post_ranking",
           "mart_youtube_video_ranking", "mart_instagram_leaderboard", "mart_youtube_leaderboard",
           "mart_instagram_recent_post_stats", "mart_instagram_account_summary", "mart_cross_platform_leaderboard",
           "mart_leaderboard_history", "mart_instagram_account")
SELECT = "+" + " +".join(BATCHED)
SMALL_BATCH_ROWS = 4000
SMALL_BATCHES = json.dumps({"stir_batch_rows": SMALL_BATCH_ROWS})
UNBATCHED = json.dumps({"stir_batched_builds": False})
# ~60 channels x 18 months, 600 profiles: split only with batches this small (the rest would make hundreds)
TINY_BATCHES, TINY_MODELS = json.dumps({"stir_batch_rows": 300}), ("mart_youtube_leaderboard", "mart_instagram_account")


@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


def contents(ch) -> dict[str, tuple[int, int]]:
    """(rows, order-independent hash of every row) per batched model, as readers see it."""
    out = {}
    for name in BATCHED:
        engine = ch.command(f"select engine from system.tables where database = 'dbt' and name = '{name}'")
        final = " final" if "Replacing" in str(engine) else ""
        rows, digest = ch.query(f"select count(), sum(cityHash64(toString(tuple(*)))) from dbt.{name}{final}").result_rows[0]
        out[name] = (int(rows), int(digest))
    return out


@pytest.fixture(scope="module")
def builds(ch, dbt):
    for _ in generate(ch, World(seed=11, anchor=ANCHOR, creators=CREATORS)):
        pass
    batched = dbt("run", "--select", SELECT, "--vars", SMALL_BATCHES)
    tiny = dbt("run", "--select", *TINY_MODELS, "--vars", TINY_BATCHES)
    first = contents(ch)
    # later builds rebuild only the batched models: their other parents (engagement stats
    # counting posts of the last 84 days by now()) stay as the first run left them, so a
    # post crossing such a boundary between two builds cannot tell them apart
    dbt("run", "--select", *BATCHED, "--full-refresh", "--vars", UNBATCHED)
    one_shot = contents(ch)
    refreshed = dbt("run", "--select", *BATCHED, "--full-refresh", "--vars", SMALL_BATCHES)
    tiny_refreshed = dbt("run", "--select", *TINY_MODELS, "--full-refresh", "--vars", TINY_BATCHES)
    return {"batched": first, "one_shot": one_shot, "refreshed": contents(ch),
            "logs": batched.stdout + tiny.stdout + refreshed.stdout + tiny_refreshed.stdout}


def test_every_batched_model_really_splits(builds):
    for name in BATCHED:
        assert f"batched build of `dbt`.`{name}" in builds["logs"], name
    assert "month batches" in builds["logs"] and "range batches" in builds["logs"]


def test_batched_first_build_equals_one_shot_build(builds):
    assert all(rows > 0 for rows, _ in builds["one_shot"].values()), builds["one_shot"]
    assert builds["batched"] == builds["one_shot"]


def test_batched_full_refresh_equals_one_shot_build(builds):
    assert builds["refreshed"] == builds["one_shot"]


def test_incremental_run_after_batched_build_is_unbatched(builds, dbt):
    proc = dbt("run", "--select", "stg_beat_instagram_post", "--vars", SMALL_BATCHES)
    assert "batched build" not in proc.stdout


def test_model_over_the_memory_cap_fails_naming_itself(builds, ch, ch_server, tmp_path, monkeypatch):
    monkeypatch.setenv("STIR_CH_MAX_MEMORY_USAGE", str(10 * 1024 * 1024))
    monkeypatch.setenv("STIR_CH_EXTERNAL_BYTES", "0")
    capped = make_dbt_runner(ch_server, tmp_path)
    proc = capped("run", "--select", "mart_instagram_post", "--full-refresh",
               "--vars", UNBATCHED, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "mart_instagram_post" in out and "MEMORY_LIMIT_EXCEEDED" in out, out[-3000:]
    # the server survived and the previous table is still served
    assert contents(ch)["mart_instagram_post"] == builds["refreshed"]["mart_instagram_post"]


def _exists(ch, name: str) -> bool:
    return bool(ch.command(f"select count() from system.tables where database = 'dbt' and name = '{name}'"))


def test_a_failed_batched_first_build_leaves_no_table_and_the_next_run_builds_it_whole(
        builds, ch, ch_server, dbt, tmp_path, monkeypatch):
    ch.command("drop table dbt.mart_instagram_post")
    # ~5.2 MiB: enough for the batch planning (count, key sample: ~4.1 MiB), not for a
    # batch insert (~6.7 MiB), so the build fails after it has started writing
    monkeypatch.setenv("STIR_CH_MAX_MEMORY_USAGE", "5500000")
    monkeypatch.setenv("STIR_CH_EXTERNAL_BYTES", "0")
    capped = make_dbt_runner(ch_server, tmp_path)
    proc = capped("run", "--select", "mart_instagram_post", "--vars", SMALL_BATCHES, check=False)
    assert proc.returncode != 0 and "MEMORY_LIMIT_EXCEEDED" in proc.stdout + proc.stderr, proc.stdout[-3000:]
    ch.command("system flush logs")
    failed_batches = ch.command("select count() from system.query_log where type = 'ExceptionWhileProcessing' "
                                "and query like '%mart_instagram_post%stir_batch % of %'")
    assert int(failed_batches) >= 1  # it failed inside the batches, after the table was created
    # no empty or half-filled target: the next plain run must be a first build again,
    # not an incremental run reading the whole history against an empty table
    assert not _exists(ch, "mart_instagram_post")
    rebuilt = dbt("run", "--select", "mart_instagram_post", "--vars", SMALL_BATCHES)
    assert "batched build of `dbt`.`mart_instagram_post" in rebuilt.stdout
    assert contents(ch)["mart_instagram_post"] == builds["one_shot"]["mart_instagram_post"]
    assert not _exists(ch, "mart_instagram_post__stir_building")


PARTIAL = ("mart_instagram_post_ranking_partial", "mart_instagram_recent_post_stats_partial")


def latest_ranking(ch, name: str) -> tuple[int, int]:
    """Rows of every profile's latest re-ranking (what the partial sync publishes), ranked_at aside."""
    return ch.query(f"select count(), sum(cityHash64(toString(tuple(* except ranked_at)))) from dbt.{name} final "
                    f"where (profile_id, ranked_at) in (select profile_id, max(ranked_at) from dbt.{name} final "
                    f"group by profile_id)").result_rows[0]


def test_batched_incremental_partial_run_equals_one_shot(builds, ch, dbt):
    dbt("run", "--select", *PARTIAL)
    batched = dbt("run", "--select", *PARTIAL, "--vars", SMALL_BATCHES)
    # planned over the hot profiles' posts only, not every post of the source
    every_post = int(ch.command("select count() from dbt.mart_instagram_post final"))
    for name in PARTIAL:
        planned = re.search(rf"batched build of `dbt`.`{name}`: (\d+) range batches", batched.stdout)
        assert planned, name
        assert 1 < int(planned.group(1)) < math.ceil(every_post / SMALL_BATCH_ROWS), (name, planned.group(0))
    after_batched = {name: latest_ranking(ch, name) for name in PARTIAL}
    one_shot = dbt("run", "--select", *PARTIAL, "--vars", UNBATCHED)
    assert "batched build" not in one_shot.stdout
    after_one_shot = {name: latest_ranking(ch, name) for name in PARTIAL}
    assert all(rows > 0 for rows, _ in after_one_shot.values()), after_one_shot
    assert after_batched == after_one_shot
