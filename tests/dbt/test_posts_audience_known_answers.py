"""Known answers for the posts, audience, scrape-status and freshness marts.

Hand calculations
-----------------
Post P1 was scraped three times: likes 10 / 25 / 40 and comments 1 / 3 / NULL (the last
scrape missed the counter, staging turns NULL counts into 0), hashtags ['Food', '#food',
'Travel'] -> latest likes 40, comments 0, hashtags ['food', 'travel'] (staging lower-cases
and strips '#', the mart de-duplicates), engagement 40, ER = 40 / 2 000 * 100 = 2.

Collected post P1 has three refresh requests in the last month: FAILED, FAILED, COMPLETE
-> attempts 3, failures 2, completes 1, not a persistent failure, last status COMPLETE.
Collected post P2 has two FAILED requests -> persistent failure. P3 was never requested.

Audience of profile U1: gender FEMALE 0.62 / MALE 0.38, age 18-24 0.5 / 25-34 0.3,
country IN 0.7 / US 0.2 -> top gender FEMALE (0.62), female share 0.62, top age 18-24,
top country IN; quality 35.5 reachability and 88.25 authenticity.
Gender x age: FEMALE/18-24 = 0.62 * 0.5 = 0.31 -> 0.31 * 10 000 followers = 3 100 people.

Freshness: U1 (10 000 followers, interval 72 h) last scraped 100 h ago with no request ->
needs_refresh. U2 (2 000 followers, interval 168 h) scraped 100 h ago -> fresh. U3
(1 500 000 followers, interval 24 h) scraped 30 h ago but has a PENDING request from 1 h
ago -> not requested again.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from stir.chserver.testing import running_server
from stir.generate.testing import apply_sources, insert_rows

MODELS = ("mart_instagram_post", "mart_post_scrape_status", "mart_audience_info",
          "mart_audience_gender_age", "mart_instagram_account_freshness")


@pytest.fixture(scope="module")
def ch_server():
    with running_server() as server:
        yield server


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def built(ch, dbt):
    apply_sources(ch)
    now = ch.query("select now()").result_rows[0][0]
    ago = lambda **kw: _ts(now - dt.timedelta(**kw))  # noqa: E731

    insert_rows(ch, "beat.instagram_account", [
        {"id": 1, "profile_id": "U1", "handle": "uma", "followers": 10_000, "created_at": ago(days=30), "updated_at": ago(hours=100)},
        {"id": 2, "profile_id": "U2", "handle": "ulf", "followers": 2_000, "created_at": ago(days=30), "updated_at": ago(hours=100)},
        {"id": 3, "profile_id": "U3", "handle": "una", "followers": 1_500_000, "created_at": ago(days=30), "updated_at": ago(hours=30)},
    ])
    publish = ago(days=5)
    insert_rows(ch, "beat.instagram_post", [
        {"id": 10 + i, "shortcode": "P1", "profile_id": "U1", "post_type": "reels", "likes": likes,
         "comments": comments, "hashtags": ["Food", "#food", "Travel"], "profile_follower": 2_000,
         "publish_time": publish, "created_at": ago(days=4), "updated_at": ago(hours=hours)}
        for i, (likes, comments, hours) in enumerate([(10, 1, 72), (25, 3, 48), (40, None, 24)])
    ])
    insert_rows(ch, "coffee.post_collection_item", [
        {"id": i, "collection_id": 1, "platform": "INSTAGRAM", "short_code": code, "post_type": "reels",
         "created_at": ago(days=10), "updated_at": ago(days=10)}
        for i, code in enumerate(["P1", "P2", "P3"], start=1)
    ])
    requests = [("P1", "FAILED", 20), ("P1", "FAILED", 10), ("P1", "COMPLETE", 2), ("P2", "FAILED", 9), ("P2", "FAILED", 3)]
    insert_rows(ch, "beat.scrape_request_log", [
        {"id": 100 + i, "flow": "refresh_post_by_shortcode", "platform": "INSTAGRAM",
         "params": json.dumps({"shortcode": code}), "status": status,
         "created_at": ago(days=days), "updated_at": ago(days=days)}
        for i, (code, status, days) in enumerate(requests)
    ] + [
        {"id": 200, "flow": "refresh_profile_by_handle", "platform": "INSTAGRAM",
         "params": json.dumps({"handle": "una"}), "status": "PENDING", "created_at": ago(hours=1), "updated_at": ago(hours=1)},
    ])
    shares = [("gender", "FEMALE", 0.62), ("gender", "MALE", 0.38), ("age", "18-24", 0.5), ("age", "25-34", 0.3),
              ("country", "IN", 0.7), ("country", "US", 0.2)]
    insert_rows(ch, "beat.instagram_audience", [
        {"profile_id": "U1", "dimension": d, "key": k, "share": s, "updated_at": ago(hours=2)} for d, k, s in shares
    ])
    insert_rows(ch, "beat.instagram_audience_quality", [
        {"profile_id": "U1", "audience_reachability": 35.5, "audience_authenticity": 88.25, "notable_followers": 3,
         "updated_at": ago(hours=2)},
    ])
    dbt("build", "--indirect-selection", "cautious", "--select", *(f"+{m}" for m in MODELS))
    return ch


def _rows(client, sql: str) -> list[dict]:
    result = client.query(sql)
    return [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]


def test_post_latest_state(built):
    row = _rows(built, "select likes, comments, engagement, engagement_rate, hashtags, scrape_count "
                       "from dbt.mart_instagram_post where shortcode = 'P1'")[0]
    assert row == {"likes": 40, "comments": 0, "engagement": 40, "engagement_rate": pytest.approx(2.0),
                   "hashtags": ["food", "travel"], "scrape_count": 3}


def test_scrape_status_counts_and_persistent_failure(built):
    rows = _rows(built, """
        select shortcode, attempts_last_month, failures_last_month, completes_last_month,
               last_attempt_status, is_persistent_failure, never_scraped
        from dbt.mart_post_scrape_status order by shortcode""")
    assert rows == [
        {"shortcode": "P1", "attempts_last_month": 3, "failures_last_month": 2, "completes_last_month": 1,
         "last_attempt_status": "COMPLETE", "is_persistent_failure": 0, "never_scraped": 0},
        {"shortcode": "P2", "attempts_last_month": 2, "failures_last_month": 2, "completes_last_month": 0,
         "last_attempt_status": "FAILED", "is_persistent_failure": 1, "never_scraped": 1},
        {"shortcode": "P3", "attempts_last_month": 0, "failures_last_month": 0, "completes_last_month": 0,
         "last_attempt_status": None, "is_persistent_failure": 0, "never_scraped": 1},
    ]


def test_audience_card(built):
    row = _rows(built, """
        select top_audience_gender, audience_female_share, top_audience_age, top_audience_country,
               audience_reachability, audience_authencity
        from dbt.mart_audience_info where platform_id = 'U1'""")[0]
    assert row == {"top_audience_gender": "FEMALE", "audience_female_share": pytest.approx(0.62),
                   "top_audience_age": "18-24", "top_audience_country": "IN",
                   "audience_reachability": pytest.approx(35.5), "audience_authencity": pytest.approx(88.25)}


def test_gender_age_joint_estimate(built):
    rows = _rows(built, "select gender, age, share, estimated_people from dbt.mart_audience_gender_age "
                        "where platform_id = 'U1' order by gender, age")
    assert [(r["gender"], r["age"]) for r in rows] == [
        ("FEMALE", "18-24"), ("FEMALE", "25-34"), ("MALE", "18-24"), ("MALE", "25-34")]
    assert rows[0]["share"] == pytest.approx(0.31)
    assert rows[0]["estimated_people"] == 3_100


def test_freshness_flags(built):
    rows = _rows(built, """
        select profile_id, refresh_interval_hours, open_requests, needs_refresh
        from dbt.mart_instagram_account_freshness order by profile_id""")
    assert rows == [
        {"profile_id": "U1", "refresh_interval_hours": 72, "open_requests": 0, "needs_refresh": 1},
        {"profile_id": "U2", "refresh_interval_hours": 168, "open_requests": 0, "needs_refresh": 0},
        {"profile_id": "U3", "refresh_interval_hours": 24, "open_requests": 1, "needs_refresh": 0},
    ]
