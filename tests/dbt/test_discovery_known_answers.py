"""Known answers for the discovery marts, worked out by hand from a tiny fixture.

One fresh server for the module; the fixture is inserted into the raw sources, then
`dbt build --select +<models>` runs the real project (models and their data tests).

Hand calculations
-----------------
Handle dedup: 'alice' was profile A1 (scraped 3 days ago, 11 000 followers) and is now
profile A2 (scraped 1 day ago, 12 345 followers) -> one row, A2, 12 345. Profile B1 was
scraped twice (1 000 then 1 500 followers) -> 1 500.

Growth: G1 has weekly snapshots on week starts S0 (this week), S0-7, S0-14, S0-35,
S0-98 and S0-371 with followers 20 000, 19 000, 18 000, 15 000, 10 000, 5 000.
  7d  -> latest week < S0-7   = S0-14  -> 20 000 - 18 000 =  2 000
  30d -> latest week < S0-30  = S0-35  -> 20 000 - 15 000 =  5 000
  90d -> latest week < S0-90  = S0-98  -> 20 000 - 10 000 = 10 000
  1y  -> latest week < S0-1y  = S0-371 -> 20 000 -  5 000 = 15 000
G2 only has this week's snapshot -> every growth window is NULL (not "grew by 8 000").

Grades: eleven 'Fashion' profiles with 20 000..30 000 followers (group 10k-50k|Fashion)
and audience_reachability 10, 20, ..., 100 and 0. The gradable values are 10..100
(0 is excluded), n = 10, and quantileExactInclusive takes x[h] with h = p * (n - 1):
  p40: h = 3.6  -> 40 + 0.6 * 10 = 46      p60: h = 5.4 -> 60 + 0.4 * 10 = 64
  p75: h = 6.75 -> 70 + 0.75 * 10 = 77.5   p90: h = 8.1 -> 90 + 0.1 * 10 = 91
  grades (strictly above the cut-off): 100 Excellent; 90, 80 Very Good; 70 Good;
  60, 50 Average; 40, 30, 20, 10 Poor; 0 -> NULL. Group average = 550 / 10 = 55.
"""

from __future__ import annotations

import datetime as dt

import pytest

from stir.chserver.testing import running_server
from stir.generate.testing import apply_sources, insert_rows

MODELS = ("mart_instagram_account", "mart_primary_group_metrics")
GRADED_REACHABILITY = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 0]


@pytest.fixture(scope="module")
def ch_server():
    with running_server() as server:
        yield server


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _account(profile_id: str, handle: str, followers: int, scraped: dt.datetime, **extra) -> dict:
    row = {"id": abs(hash((profile_id, scraped))) % 10**9, "profile_id": profile_id, "handle": handle,
           "followers": followers, "following": 100, "media_count": 10, "country": "IN",
           "language": "en", "category": "Tech", "created_at": _ts(scraped), "updated_at": _ts(scraped)}
    row.update(extra)
    return row


@pytest.fixture(scope="module")
def built(ch, dbt):
    apply_sources(ch)
    now, week_start = ch.query("select now(), toStartOfWeek(now())").result_rows[0]
    week_start = week_start if isinstance(week_start, dt.date) else dt.date.fromisoformat(str(week_start))

    accounts = [
        _account("A1", "alice", 11_000, now - dt.timedelta(days=3)),
        _account("A2", "alice", 12_345, now - dt.timedelta(days=1)),
        _account("B1", "bob", 1_000, now - dt.timedelta(days=2)),
        _account("B1", "bob", 1_500, now - dt.timedelta(hours=5)),
        _account("G1", "grower", 20_000, now - dt.timedelta(hours=2), category="Food"),
        _account("G2", "newbie", 8_000, now - dt.timedelta(hours=2), category="Food"),
    ]
    grade_profiles = [f"F{i:02d}" for i in range(len(GRADED_REACHABILITY))]
    accounts += [
        _account(pid, f"fashion{i:02d}", 20_000 + 1_000 * i, now - dt.timedelta(hours=1), category="Fashion")
        for i, pid in enumerate(grade_profiles)
    ]
    insert_rows(ch, "beat.instagram_account", accounts)

    snapshots = [(0, 20_000), (7, 19_000), (14, 18_000), (35, 15_000), (98, 10_000), (371, 5_000)]
    insert_rows(ch, "beat.instagram_account_time_series", [
        {"profile_id": "G1", "date": (week_start - dt.timedelta(days=d)).isoformat(), "followers": f,
         "following": 10, "media_count": 5, "created_at": _ts(now - dt.timedelta(hours=1))}
        for d, f in snapshots
    ] + [
        {"profile_id": "G2", "date": week_start.isoformat(), "followers": 8_000, "following": 10,
         "media_count": 5, "created_at": _ts(now - dt.timedelta(hours=1))}
    ])

    insert_rows(ch, "beat.instagram_audience_quality", [
        {"profile_id": pid, "audience_reachability": value, "audience_authenticity": 80.0,
         "notable_followers": 1, "updated_at": _ts(now - dt.timedelta(hours=1))}
        for pid, value in zip(grade_profiles, GRADED_REACHABILITY, strict=True)
    ])

    # cautious: skip tests of downstream models (relationships into these marts) that
    # this partial build does not create
    dbt("build", "--indirect-selection", "cautious", "--select", *(f"+{m}" for m in MODELS))
    return ch


def _rows(client, sql: str) -> list[dict]:
    result = client.query(sql)
    return [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]


def test_handle_dedup_keeps_latest_profile(built):
    rows = _rows(built, "select profile_id, followers from dbt.mart_instagram_account where handle = 'alice'")
    assert rows == [{"profile_id": "A2", "followers": 12_345}]


def test_rescraped_profile_shows_latest_values(built):
    rows = _rows(built, "select profile_id, followers, follower_group from dbt.mart_instagram_account "
                        "where handle = 'bob'")
    assert rows == [{"profile_id": "B1", "followers": 1_500, "follower_group": "0-5k"}]


def test_growth_windows_use_latest_week_before_each_window(built):
    row = _rows(built, """
        select followers_current_week, followers_7d_ago, followers_30d_ago, followers_90d_ago, followers_1y_ago,
               followers_growth7d, followers_growth30d, followers_growth90d, followers_growth1y
        from dbt.mart_instagram_account where profile_id = 'G1'""")[0]
    assert row == {
        "followers_current_week": 20_000,
        "followers_7d_ago": 18_000, "followers_30d_ago": 15_000,
        "followers_90d_ago": 10_000, "followers_1y_ago": 5_000,
        "followers_growth7d": 2_000, "followers_growth30d": 5_000,
        "followers_growth90d": 10_000, "followers_growth1y": 15_000,
    }


def test_growth_without_history_is_null_not_current(built):
    row = _rows(built, """
        select followers_growth7d, followers_growth30d, followers_growth90d, followers_growth1y,
               followers_growth7d_grade
        from dbt.mart_instagram_account where profile_id = 'G2'""")[0]
    assert row == {"followers_growth7d": None, "followers_growth30d": None, "followers_growth90d": None,
                   "followers_growth1y": None, "followers_growth7d_grade": None}


def test_group_percentiles_are_exact_inclusive_quantiles(built):
    row = _rows(built, """
        select profiles, p40_audience_reachability, p60_audience_reachability, p75_audience_reachability,
               p90_audience_reachability, group_avg_audience_reachability
        from dbt.mart_primary_group_metrics where group_key = '10k-50k|Fashion'""")[0]
    assert row["profiles"] == 11
    assert row["p40_audience_reachability"] == pytest.approx(46)
    assert row["p60_audience_reachability"] == pytest.approx(64)
    assert row["p75_audience_reachability"] == pytest.approx(77.5)
    assert row["p90_audience_reachability"] == pytest.approx(91)
    assert row["group_avg_audience_reachability"] == pytest.approx(55)


def test_five_grade_buckets_and_null_for_zero(built):
    rows = _rows(built, """
        select audience_reachability, audience_reachability_grade, group_avg_audience_reachability
        from dbt.mart_instagram_account where group_key = '10k-50k|Fashion' order by audience_reachability""")
    grades = {int(r["audience_reachability"]): r["audience_reachability_grade"] for r in rows}
    assert grades == {
        0: None,
        10: "Poor", 20: "Poor", 30: "Poor", 40: "Poor",
        50: "Average", 60: "Average",
        70: "Good",
        80: "Very Good", 90: "Very Good",
        100: "Excellent",
    }
    assert [r["group_avg_audience_reachability"] for r in rows] == pytest.approx([55] * len(GRADED_REACHABILITY))


def test_thin_category_falls_back_to_bucket_group(built):
    # 'Food' has two profiles in different buckets: below the minimum group size of 5
    rows = _rows(built, "select profile_id, group_key from dbt.mart_instagram_account "
                        "where category = 'Food' order by profile_id")
    assert rows == [{"profile_id": "G1", "group_key": "10k-50k|ALL"},
                    {"profile_id": "G2", "group_key": "5k-10k|ALL"}]


def test_every_profile_counts_in_its_group_and_its_bucket_all_group(built):
    groups = {r["group_key"]: r["profiles"] for r in _rows(built, "select group_key, profiles "
                                                                   "from dbt.mart_primary_group_metrics")}
    buckets = _rows(built, "select concat(follower_group, '|ALL') as g, count() as n "
                           "from dbt.mart_instagram_account group by g")
    own = _rows(built, "select group_key as g, count() as n from dbt.mart_instagram_account "
                       "where group_key not like '%|ALL' group by g")
    assert groups == {r["g"]: r["n"] for r in buckets + own}
    assert groups["10k-50k|Fashion"] == 11 and groups["10k-50k|ALL"] > 11
