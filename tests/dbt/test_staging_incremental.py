"""The incremental staging models: the 4 h lookback picks up late rows, re-read rows are
folded by ReplacingMergeTree (visible with FINAL at once, physically after a merge),
and the uniqueness tests hold in between."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from stir.generate.testing import apply_sources, insert_rows

T0 = datetime(2026, 3, 1, 12, 0, 0)
POST = {"profile_id": "1", "post_type": "image", "publish_time": T0 - timedelta(days=1), "created_at": T0 - timedelta(days=1)}


@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


def scrape(shortcode, at, likes):
    return {**POST, "shortcode": shortcode, "updated_at": at, "likes": likes, "profile_follower": 1000}


def keys(ch, final=False):
    return sorted((r[0], r[1], r[2]) for r in ch.query(
        f"select shortcode, updated_at, likes from dbt.stg_beat_instagram_post{' final' if final else ''}").result_rows)


@pytest.fixture(scope="module")
def increments(ch, dbt):
    """First build, then late arrivals and one incremental run: the states in between."""
    apply_sources(ch)
    insert_rows(ch, "beat.instagram_post", [scrape("P1", T0 - timedelta(hours=10), 5), scrape("P1", T0, 50),
                                            scrape("P1", T0 - timedelta(hours=2), 20)])
    insert_rows(ch, "beat.scrape_request_log", [
        {"id": 1, "flow": "refresh_post_by_shortcode", "platform": "INSTAGRAM", "params": '{"shortcode": "P1"}',
         "status": "PENDING", "created_at": T0, "updated_at": T0}])
    insert_rows(ch, "beat.instagram_account_time_series", [
        {"profile_id": "1", "date": "2026-03-01", "followers": 100, "created_at": T0}])
    select = ["--select", "stg_beat_instagram_post", "stg_beat_scrape_request_log", "stg_beat_instagram_account_time_series"]
    dbt("run", *select)
    first = keys(ch)
    insert_rows(ch, "beat.instagram_post", [
        scrape("P1", T0 - timedelta(hours=1), 40),   # written late, inside the 4 h window
        scrape("P2", T0 - timedelta(hours=6), 7),    # written late, outside the window
        {**scrape("P1", T0 - timedelta(hours=2), 21), "id": 1},  # a re-delivery with a higher id
    ])
    insert_rows(ch, "beat.scrape_request_log", [
        {"id": 1, "flow": "refresh_post_by_shortcode", "platform": "INSTAGRAM", "params": '{"shortcode": "P1"}',
         "status": "COMPLETE", "created_at": T0, "updated_at": T0 + timedelta(minutes=3)}])
    insert_rows(ch, "beat.instagram_account_time_series", [  # a snapshot for an old date, written now
        {"profile_id": "1", "date": "2026-02-20", "followers": 90, "created_at": T0 + timedelta(minutes=1)}])
    dbt("run", *select)
    return {"first": first, "raw": keys(ch), "final": keys(ch, final=True), "select": select}


def test_first_build_holds_every_scrape_once(increments):
    assert increments["first"] == [("P1", T0 - timedelta(hours=10), 5), ("P1", T0 - timedelta(hours=2), 20),
                                   ("P1", T0, 50)]


def test_lookback_picks_up_a_late_row_but_not_one_older_than_four_hours(increments):
    final = increments["final"]
    assert ("P1", T0 - timedelta(hours=1), 40) in final
    assert not any(k[0] == "P2" for k in final)


def test_a_scrape_already_staged_is_not_appended_again(increments):
    # (P1, T0) was inside the window again, but staging already held it (same id) ...
    assert increments["raw"].count(("P1", T0, 50)) == 1
    # ... while a re-delivery of (P1, T0 - 2 h) with a higher id is the new winner: appended,
    # and FINAL (like argMax) sees exactly one row per key, the re-delivered one
    assert increments["raw"].count(("P1", T0 - timedelta(hours=2), 20)) == 1
    assert increments["final"] == [("P1", T0 - timedelta(hours=10), 5), ("P1", T0 - timedelta(hours=2), 21),
                                   ("P1", T0 - timedelta(hours=1), 40), ("P1", T0, 50)]


def test_uniqueness_tests_pass_before_any_merge(increments, dbt):
    dbt("test", *increments["select"], "--indirect-selection", "cautious")


def test_optimize_final_merges_to_one_row_per_key(increments, ch):
    ch.command("OPTIMIZE TABLE dbt.stg_beat_instagram_post FINAL")
    assert keys(ch) == increments["final"]


def test_status_change_and_late_snapshot_arrive_incrementally(increments, ch):
    assert ch.query("select status from dbt.stg_beat_scrape_request_log final").result_rows == [("COMPLETE",)]
    series = ch.query("select toString(date), followers from dbt.stg_beat_instagram_account_time_series final order by date")
    assert series.result_rows == [("2026-02-20", 90), ("2026-03-01", 100)]


def test_full_refresh_recovers_rows_older_than_the_window(increments, ch, dbt):
    dbt("run", "--select", "stg_beat_instagram_post", "--full-refresh")
    assert ("P2", T0 - timedelta(hours=6), 7) in keys(ch)
    assert len(keys(ch)) == len(set(keys(ch))) == 5
