"""Incremental runs of mart_staging_collection_post_snapshots (ReplacingMergeTree, 4 h lookback).

Known answers over three builds on a fresh server:
  1. first build: one row per (post, scrape day) with the day's highest likes;
  2. incremental build after new raw rows: a late scrape inside the lookback raises its
     day's maximum, a new day appears, a post newly added to the collection gets its
     whole (old) history, and a scrape far older than the lookback is left for a full
     refresh; read with FINAL there is exactly one row per key;
  3. --full-refresh: the old straggler is in.
The model has no now() windows, so fixed dates keep every expectation exact.
"""

from __future__ import annotations

import datetime as dt

import pytest

from stir.generate.testing import apply_sources, insert_rows

MODEL = "mart_staging_collection_post_snapshots"


@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


def scrape(id_: int, code: str, at: str, likes: int) -> dict:
    return {"id": id_, "shortcode": code, "profile_id": "p1", "post_type": "reels", "likes": likes,
            "comments": 1, "publish_time": "2024-01-01 00:00:00", "created_at": at, "updated_at": at}


def item(id_: int, code: str, at: str) -> dict:
    return {"id": id_, "collection_id": 1, "platform": "INSTAGRAM", "short_code": code,
            "post_type": "reels", "created_at": at, "updated_at": at}


def snapshots(ch) -> dict[tuple[str, dt.date], int]:
    result = ch.query(f"select shortcode, date, likes from dbt.{MODEL} final")
    return {(code, day): likes for code, day, likes in result.result_rows}


def distinct_keys_equal_rows(ch) -> bool:
    rows, keys = ch.query(f"select count(), uniqExact(shortcode, date) from dbt.{MODEL} final").result_rows[0]
    return rows == keys


@pytest.fixture(scope="module")
def first_build(ch, dbt):
    apply_sources(ch)
    insert_rows(ch, "coffee.collection", [
        {"id": 1, "brand_id": 1, "name": "c", "type": "POST", "created_by": 1,
         "created_at": "2024-01-01 00:00:00", "updated_at": "2024-01-01 00:00:00"},
    ])
    insert_rows(ch, "coffee.post_collection_item", [item(1, "P1", "2024-04-01 00:00:00")])
    insert_rows(ch, "beat.instagram_post", [
        scrape(1, "P1", "2024-04-30 09:00:00", 10),
        scrape(2, "P1", "2024-05-02 08:00:00", 20),
        scrape(3, "P1", "2024-05-02 10:00:00", 22),
        # P2 is not collected yet: its history must still arrive once it is
        scrape(4, "P2", "2024-01-10 12:00:00", 7),
    ])
    dbt("build", "--select", f"+{MODEL}", "--indirect-selection", "cautious")
    return ch


def test_first_build_keeps_daily_maximum(first_build):
    assert snapshots(first_build) == {
        ("P1", dt.date(2024, 4, 30)): 10,
        ("P1", dt.date(2024, 5, 2)): 22,
    }


@pytest.fixture(scope="module")
def incremental_build(first_build, dbt):
    ch = first_build
    insert_rows(ch, "beat.instagram_post", [
        scrape(5, "P1", "2024-05-02 11:00:00", 25),   # late, inside the 4 h lookback: raises 05-02
        scrape(6, "P1", "2024-05-03 09:00:00", 30),   # a new day
        scrape(7, "P1", "2024-04-20 09:00:00", 5),    # weeks late: outside the lookback
    ])
    insert_rows(ch, "coffee.post_collection_item", [item(2, "P2", "2024-05-03 12:00:00")])
    dbt("build", "--select", f"+{MODEL}", "--indirect-selection", "cautious")
    return ch


def test_incremental_run_updates_days_inside_lookback(incremental_build):
    assert snapshots(incremental_build) == {
        ("P1", dt.date(2024, 4, 30)): 10,
        ("P1", dt.date(2024, 5, 2)): 25,
        ("P1", dt.date(2024, 5, 3)): 30,
        ("P2", dt.date(2024, 1, 10)): 7,
    }
    assert distinct_keys_equal_rows(incremental_build)


def test_full_refresh_picks_up_rows_older_than_the_lookback(incremental_build, dbt):
    dbt("build", "--select", f"+{MODEL}", "--full-refresh", "--indirect-selection", "cautious")
    got = snapshots(incremental_build)
    assert got[("P1", dt.date(2024, 4, 20))] == 5
    assert len(got) == 5
    assert distinct_keys_equal_rows(incremental_build)
