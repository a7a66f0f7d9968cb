"""Known answers for the leaderboard marts, worked out by hand from small fixtures.

Weekly growth: one profile with a missing week, then a late snapshot for that week
arriving after the first build (the incremental 4 h lookback must pick it up and
recompute the following week's change; ReplacingMergeTree keeps one row per key).

Leaderboards: four Instagram creators over three months (two months ago = M0, last
month = M1, this month = M2), two of them linked to YouTube channels. Dates are relative
to today because the marts keep the last 13 months relative to now().
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from stir.generate.testing import apply_sources, insert_rows

RANK_KEYS = [
    f"{axis}_rank{suffix}"
    for axis in ("followers", "followers_change", "views", "plays")
    for suffix in ("", "_by_cat", "_by_lang", "_by_cat_lang", "_by_type", "_by_type_cat", "_by_type_lang")
]

NOW = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
TODAY = NOW.date()


def month_start(months_back: int) -> dt.date:
    y, m = TODAY.year, TODAY.month - months_back
    while m <= 0:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1)


M0, M1, M2 = month_start(2), month_start(1), month_start(0)


def start_of_week(d: dt.date) -> dt.date:
    """ClickHouse toStartOfWeek (mode 0): the Sunday on or before d."""
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


# far enough back to stay out of the monthly marts' 13-month window and the leaderboard ranks
W0 = start_of_week(TODAY - dt.timedelta(days=600))
W1, W2, W3, W4 = (W0 + dt.timedelta(weeks=k) for k in range(1, 5))
WRITTEN = NOW - dt.timedelta(days=2)

# Tests of other areas' models that merely reference our parents (relationships to staging)
# are not ours to run here.
ONLY_OURS = ("--indirect-selection", "cautious")


@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


def ts(profile_id, day, followers, following=100, created_at=WRITTEN):
    return {"profile_id": profile_id, "date": day, "followers": followers, "following": following,
            "created_at": created_at}


def ig_account(profile_id, handle, category, language, account_type, followers):
    return {"id": 1, "profile_id": profile_id, "handle": handle, "category": category, "language": language,
            "account_type": account_type, "followers": followers, "following": 10,
            "created_at": WRITTEN, "updated_at": WRITTEN}


def post(shortcode, profile_id, post_type, published, likes, comments, views=None, plays=None):
    at = dt.datetime.combine(published, dt.time(10, 0))
    return {"id": 1, "shortcode": shortcode, "profile_id": profile_id, "post_type": post_type,
            "likes": likes, "comments": comments, "views": views, "plays": plays,
            "publish_time": at, "created_at": at, "updated_at": at + dt.timedelta(hours=1)}


@pytest.fixture(scope="module")
def built(ch, dbt):
    apply_sources(ch)
    day = dt.timedelta(days=1)
    insert_rows(ch, "beat.instagram_account_time_series", [
        # weekly profile: W0, W1 (two snapshots, the later one is the week's value), gap at W2, W3, W4
        ts("w1", W0 + day, 1000), ts("w1", W1 + 2 * day, 1100), ts("w1", W1 + 5 * day, 1150),
        ts("w1", W3 + day, 1300), ts("w1", W4 + 3 * day, 1350),
        # written a day before everything else, so outside the next run's 4 h lookback:
        # its rows must not be re-appended
        ts("w2", W0 + day, 50, created_at=WRITTEN - day), ts("w2", W1 + day, 60, created_at=WRITTEN - day),
        # leaderboard creators: month-end followers per month
        ts("a", M0 + day, 900), ts("a", M0 + 3 * day, 1000), ts("a", M1 + day, 1500), ts("a", M2, 2600),
        ts("b", M0 + day, 2000), ts("b", M1 + day, 2100), ts("b", M2, 2200),
        ts("c", M0 + day, 500), ts("c", M1 + day, 900), ts("c", M2, 1000),
        ts("d", M1 + day, 3000), ts("d", M2, 3100),
    ])
    insert_rows(ch, "beat.instagram_account", [
        ig_account("a", "a_handle", "Fashion", "en", "CREATOR", 2600),
        ig_account("b", "b_handle", "Fashion", "hi", "BUSINESS", 2200),
        ig_account("c", "c_handle", "Food", "en", "CREATOR", 1000),
        ig_account("d", "d_handle", None, "en", "PERSONAL", 3100),
    ])
    insert_rows(ch, "beat.instagram_post", [
        post("A1", "a", "reels", M2, 10, 1, views=100, plays=1000),
        post("A2", "a", "reels", M2, 30, 3, views=300, plays=3000),
        post("B1", "b", "image", M2, 50, 5),
        post("C1", "c", "reels", M2, 70, 7, views=500, plays=600),
    ])
    insert_rows(ch, "beat.youtube_channel_time_series", [
        {"channel_id": "UCa", "date": M0 + day, "subscribers": 300, "views": 10_000, "created_at": WRITTEN},
        {"channel_id": "UCa", "date": M1 + day, "subscribers": 400, "views": 15_000, "created_at": WRITTEN},
        {"channel_id": "UCa", "date": M2, "subscribers": 600, "views": 16_000, "created_at": WRITTEN},
        {"channel_id": "UCc", "date": M2, "subscribers": 5000, "views": 90_000, "created_at": WRITTEN},
    ])
    insert_rows(ch, "beat.profile_link", [
        {"handle": "a_handle", "profile_id": "a", "channel_id": "UCa", "category": "Fashion",
         "source": "BIO", "updated_at": WRITTEN},
        {"handle": "c_handle", "profile_id": "c", "channel_id": "UCc", "category": "Food",
         "source": "BIO", "updated_at": WRITTEN},
        {"handle": "b_handle", "profile_id": "b", "channel_id": None, "category": None,
         "source": "BIO", "updated_at": WRITTEN},
    ])
    dbt("build", *ONLY_OURS, "--select", "+mart_leaderboard+", "+mart_insta_account_weekly", "+mart_yt_account_weekly",
        "+mart_time_series")
    return ch


def rows(client, sql):
    result = client.query(sql)
    return [dict(zip(result.column_names, r, strict=True)) for r in result.result_rows]


def weekly(client, profile_id, final=True):
    return rows(client, f"""
        select week, followers, followers_prev, followers_change, last_week_available
        from dbt.mart_insta_account_weekly {'final' if final else ''}
        where profile_id = '{profile_id}' order by week""")


def test_weekly_change_null_after_missing_week(built):
    assert weekly(built, "w1") == [
        {"week": W0, "followers": 1000, "followers_prev": None, "followers_change": None, "last_week_available": 0},
        {"week": W1, "followers": 1150, "followers_prev": 1000, "followers_change": 150, "last_week_available": 1},
        {"week": W3, "followers": 1300, "followers_prev": None, "followers_change": None, "last_week_available": 0},
        {"week": W4, "followers": 1350, "followers_prev": 1300, "followers_change": 50, "last_week_available": 1},
    ]


def test_monthly_change_needs_previous_month(built):
    got = rows(built, """
        select profile_id, month, followers, followers_change from dbt.mart_insta_account_monthly
        order by profile_id, month""")
    assert [(r["profile_id"], r["month"], r["followers"], r["followers_change"]) for r in got
            if r["profile_id"] in "abcd"] == [
        ("a", M0, 1000, None), ("a", M1, 1500, 500), ("a", M2, 2600, 1100),
        ("b", M0, 2000, None), ("b", M1, 2100, 100), ("b", M2, 2200, 100),
        ("c", M0, 500, None), ("c", M1, 900, 400), ("c", M2, 1000, 100),
        ("d", M1, 3000, None), ("d", M2, 3100, 100),
    ]


def ranks(client, profile_platform, month, column="current_month_ranks"):
    got = rows(client, f"""
        select platform_id, {column} as r from dbt.mart_leaderboard
        where profile_platform = '{profile_platform}' and month = '{month}'""")
    return {r["platform_id"]: dict(r["r"]) for r in got}


def test_instagram_current_ranks(built):
    m2 = ranks(built, "IA", M2)
    expected = {
        # global
        "followers_rank": {"d": 1, "a": 2, "b": 3, "c": 4},
        "followers_change_rank": {"a": 1, "b": 2, "c": 2, "d": 2},  # 1100, then a three-way tie at 100
        "views_rank": {"c": 1, "a": 2, "b": 0, "d": 0},  # avg views 500 / 200; b has only an image, d no posts
        "plays_rank": {"a": 1, "c": 2, "b": 0, "d": 0},  # avg plays 2000 / 600
        # by category: d has none, so it is unranked there
        "followers_rank_by_cat": {"a": 1, "b": 2, "c": 1, "d": 0},
        "followers_rank_by_lang": {"d": 1, "a": 2, "c": 3, "b": 1},
        "followers_rank_by_cat_lang": {"a": 1, "b": 1, "c": 1, "d": 0},
        "followers_rank_by_type": {"a": 1, "c": 2, "b": 1, "d": 1},
        "views_rank_by_type_cat": {"a": 1, "c": 1, "b": 0, "d": 0},
    }
    for key, by_profile in expected.items():
        assert {p: m2[p][key] for p in by_profile} == by_profile, key
    assert all(sorted(r) == sorted(RANK_KEYS) for r in m2.values())


def test_instagram_last_month_ranks(built):
    m2_last = ranks(built, "IA", M2, "last_month_ranks")
    m1_current = ranks(built, "IA", M1)
    assert m2_last == m1_current
    assert {p: r["followers_rank"] for p, r in m1_current.items()} == {"d": 1, "b": 2, "a": 3, "c": 4}
    # d had no snapshot in M0: no growth in M1, so not ranked on it
    assert {p: r["followers_change_rank"] for p, r in m1_current.items()} == {"a": 1, "c": 2, "b": 3, "d": 0}
    m1_last = ranks(built, "IA", M1, "last_month_ranks")
    assert {p: r["followers_rank"] for p, r in m1_last.items()} == {"b": 1, "a": 2, "c": 3, "d": 0}


def test_cross_platform_and_youtube_rows(built):
    got = rows(built, """
        select profile_platform, platform_id, month, platform, followers, followers_change,
               current_month_ranks['followers_rank'] as fr
        from dbt.mart_leaderboard where profile_platform in ('CP', 'YA') order by profile_platform, platform_id, month""")
    assert [tuple(r.values()) for r in got] == [
        ("CP", "a_handle", M0, "INSTAGRAM", 1300, None, 1),
        ("CP", "a_handle", M1, "INSTAGRAM", 1900, 600, 1),
        ("CP", "a_handle", M2, "INSTAGRAM", 3200, 1300, 2),
        # c's YouTube side has no M1 snapshot: its change is the Instagram side's only
        ("CP", "c_handle", M2, "YOUTUBE", 6000, 100, 1),
        ("YA", "UCa", M0, "YOUTUBE", 300, None, 1),
        ("YA", "UCa", M1, "YOUTUBE", 400, 100, 1),
        ("YA", "UCa", M2, "YOUTUBE", 600, 200, 2),
        ("YA", "UCc", M2, "YOUTUBE", 5000, None, 1),
    ]


def test_leaderboard_key_is_unique_and_complete(built):
    (n, keys), = built.query("""
        select count(), uniqExact(month, profile_platform, platform_id) from dbt.mart_leaderboard""").result_rows
    assert n == keys == 11 + 4 + 4


def test_top_movers(built):
    got = rows(built, f"""
        select platform_id, followers_rank_prev, followers_rank, rank_change, direction, mover_rank
        from dbt.mart_leaderboard_top_movers
        where profile_platform = 'IA' and month = '{M2}' order by direction, mover_rank""")
    # M1 -> M2 followers ranks: d 1->1, b 2->3, a 3->2, c 4->4
    assert [tuple(r.values()) for r in got] == [("a", 3, 2, 1, "CLIMB", 1), ("b", 2, 3, -1, "DROP", 1)]


def test_category_summary(built):
    got = rows(built, f"""
        select category, creators, leader_platform_id, leader_followers, median_followers
        from dbt.mart_leaderboard_category_summary
        where profile_platform = 'IA' and month = '{M2}' order by category""")
    assert [tuple(r.values()) for r in got] == [
        ("Fashion", 2, "a", 2600, 2400.0),
        ("Food", 1, "c", 1000, 1000.0),
        ("UNCATEGORISED", 1, "d", 3100, 3100.0),
    ]


def test_time_series_change_between_snapshots(built):
    got = rows(built, """
        select date, followers, followers_change, days_since_prev from dbt.mart_time_series
        where platform = 'INSTAGRAM' and platform_id = 'a' order by date""")
    assert [tuple(r.values()) for r in got] == [
        (M0 + dt.timedelta(days=1), 900, None, None),
        (M0 + dt.timedelta(days=3), 1000, 100, 2),
        (M1 + dt.timedelta(days=1), 1500, 500, (M1 - M0).days - 2),
        (M2, 2600, 1100, (M2 - M1).days - 1),
    ]


def test_late_week_picked_up_by_lookback(built, dbt):
    """A snapshot for the missing week W2 arrives now, long after W2: the next run must
    fill W2 and fix W3's change, and leave untouched profiles alone."""
    rows_w2_before = len(weekly(built, "w2", final=False))
    insert_rows(built, "beat.instagram_account_time_series", [ts("w1", W2 + dt.timedelta(days=2), 1200, created_at=NOW)])
    dbt("build", *ONLY_OURS, "--select", "+mart_insta_account_weekly")
    assert weekly(built, "w1") == [
        {"week": W0, "followers": 1000, "followers_prev": None, "followers_change": None, "last_week_available": 0},
        {"week": W1, "followers": 1150, "followers_prev": 1000, "followers_change": 150, "last_week_available": 1},
        {"week": W2, "followers": 1200, "followers_prev": 1150, "followers_change": 50, "last_week_available": 1},
        {"week": W3, "followers": 1300, "followers_prev": 1200, "followers_change": 100, "last_week_available": 1},
        {"week": W4, "followers": 1350, "followers_prev": 1300, "followers_change": 50, "last_week_available": 1},
    ]
    assert len(weekly(built, "w2", final=False)) == rows_w2_before == 2
    built.command("OPTIMIZE TABLE dbt.mart_insta_account_weekly FINAL")
    assert len(weekly(built, "w1", final=False)) == 5


def test_rank_map_tests_catch_broken_maps(built, dbt):
    """The leaderboard's map tests fail on a row whose last-month map disagrees with the
    previous month's current map, and on a row missing a key (same keys reordered pass).
    Runs last: it corrupts mart_leaderboard."""
    lb = "dbt.mart_leaderboard"
    select = ("--select", "leaderboard_last_month_equals_previous_current", "leaderboard_rank_maps_have_all_keys")
    dbt("test", *ONLY_OURS, *select)
    reordered = "mapFromArrays(arrayReverse(mapKeys(current_month_ranks)), arrayReverse(mapValues(current_month_ranks)))"
    built.command(f"ALTER TABLE {lb} UPDATE current_month_ranks = {reordered} "
                  f"WHERE profile_platform = 'IA' AND platform_id = 'd' AND month = '{M2}' SETTINGS mutations_sync = 2")
    dbt("test", *ONLY_OURS, "--select", "leaderboard_rank_maps_have_all_keys")
    built.command(f"ALTER TABLE {lb} UPDATE last_month_ranks = mapUpdate(last_month_ranks, map('views_rank', toUInt64(99))), "
                  "current_month_ranks = mapFilter((k, v) -> k != 'plays_rank', current_month_ranks) "
                  f"WHERE profile_platform = 'IA' AND platform_id = 'a' AND month = '{M2}' SETTINGS mutations_sync = 2")
    proc = dbt("test", *ONLY_OURS, *select, check=False)
    assert proc.returncode != 0
    results = json.loads((dbt.workdir / "target" / "run_results.json").read_text())["results"]
    failures = {r["unique_id"].split(".")[-1]: r["failures"] for r in results}
    assert failures == {"leaderboard_last_month_equals_previous_current": 1, "leaderboard_rank_maps_have_all_keys": 1}
