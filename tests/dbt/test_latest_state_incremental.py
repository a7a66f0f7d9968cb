"""mart_instagram_post is incremental: a run recomputes only the posts scraped within the
4 h lookback, from every scrape of each such post, and replaces their rows
(delete_insert), so the mart holds one row per post without FINAL and a post outside
the window is left as it was. Expected values are worked out from the fixture rows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from stir.generate.testing import apply_sources, insert_rows

T0 = datetime(2026, 3, 1, 12, 0, 0)
SELECT = ("--select", "stg_beat_instagram_post", "mart_instagram_post")


@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


def scrape(shortcode, at, likes, reach=None):
    return {"shortcode": shortcode, "profile_id": "1", "post_type": "reels", "publish_time": T0 - timedelta(days=2),
            "created_at": at, "updated_at": at, "likes": likes, "reach": reach, "profile_follower": 1000}


def mart(ch) -> dict[str, dict]:
    result = ch.query("select shortcode, likes, reach, scrape_count, first_scraped_at, last_scraped_at "
                      "from dbt.mart_instagram_post")
    return {row[0]: dict(zip(result.column_names[1:], row[1:], strict=True)) for row in result.result_rows}


@pytest.fixture(scope="module")
def runs(ch, dbt):
    apply_sources(ch)
    insert_rows(ch, "beat.instagram_post", [
        scrape("P1", T0 - timedelta(hours=10), 5),
        scrape("P1", T0, 50),
        scrape("P3", T0 - timedelta(hours=30), 9),
    ])
    dbt("run", *SELECT)
    first = mart(ch)
    # keep staging's re-read copies visible: a background merge would fold them
    ch.command("SYSTEM STOP MERGES dbt.stg_beat_instagram_post")
    insert_rows(ch, "beat.instagram_post", [
        scrape("P1", T0 - timedelta(hours=1), 40, reach=500),  # late, inside the window, the only reach
        scrape("P3", T0 - timedelta(hours=20), 11),            # late, outside the window
        scrape("P4", T0 + timedelta(minutes=10), 7),           # a new post
        {**scrape("P1", T0, 50), "id": 1},                     # (P1, T0) delivered again, higher id
    ])
    dbt("run", *SELECT)
    staged = ch.query("select count() from dbt.stg_beat_instagram_post where shortcode = 'P1'").result_rows[0][0]
    rows, keys = ch.query("select count(), uniqExact(shortcode) from dbt.mart_instagram_post").result_rows[0]
    return {"first": first, "second": mart(ch), "staged_p1": staged, "rows": rows, "keys": keys}


def test_first_run_builds_every_post(runs):
    assert runs["first"]["P1"]["likes"] == 50
    assert runs["first"]["P1"]["scrape_count"] == 2
    assert runs["first"]["P3"]["likes"] == 9


def test_post_in_the_window_is_recomputed_from_all_its_scrapes(runs):
    p1 = runs["second"]["P1"]
    # T0 is still the newest scrape; reach only the late one has (argMax skips NULL)
    assert p1["likes"] == 50
    assert p1["reach"] == 500
    assert p1["first_scraped_at"] == T0 - timedelta(hours=10)
    assert p1["last_scraped_at"] == T0


def test_scrape_count_ignores_staging_copies_not_yet_merged(runs):
    # staging holds the re-delivered (P1, T0) beside the first copy until the engine merges them
    assert runs["staged_p1"] == 4
    assert runs["second"]["P1"]["scrape_count"] == 3


def test_post_outside_the_window_is_untouched_and_new_posts_arrive(runs):
    assert runs["second"]["P3"] == runs["first"]["P3"]
    assert runs["second"]["P4"]["likes"] == 7


def test_one_row_per_post_without_final(runs):
    assert runs["rows"] == runs["keys"] == 3


def test_key_tests_pass_after_the_incremental_run(runs, dbt):
    dbt("test", "--select", "mart_instagram_post", "--indirect-selection", "cautious")
