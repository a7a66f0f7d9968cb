"""Known answers for the collection, campaign, orders and data-request marts.

A tiny hand-written warehouse (two brands, one campaign, a handful of posts, orders,
data requests and scrape requests) goes into the raw source tables of a fresh server;
`dbt build` builds the 25 marts of these domains with everything upstream and runs their
tests; every expected value below is worked out by hand from the fixture rows.

Timestamps hang off one anchor close to now() because the marts look at windows
relative to now() (last 1 h / 24 h, last 90 days); every "recent" row keeps at least
20 minutes of margin to a window edge so a slow build cannot push it out.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from decimal import Decimal

import pytest

from stir.generate.testing import apply_sources, insert_rows

SELECT = ("+marts.staging_collection", "+marts.collection", "+marts.orders", "+marts.data_request")

NOW = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def ago(**delta) -> dt.datetime:
    return NOW - dt.timedelta(**delta)


def ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def story_reach(followers: float, er: float, before_cutover: bool) -> int:
    """The original formula, written out independently of the SQL macro."""
    log_term = abs(math.log2(er)) if before_cutover else abs(math.log2(er + 2))
    return max(0, round(-0.000025017 * followers + 1.11 * (followers * log_term * 2 / 100)))


# Worked by hand, checked against the helper above:
#   before: -2.5017 + 1.11 * (100000 * 2 * 2 / 100) = 4437.4983 -> 4437
#   after : -2.5017 + 1.11 * (100000 * log2(6) * 2 / 100) = 5736.115... -> 5736
STORY_REACH_BEFORE = 4437
STORY_REACH_AFTER = 5736


@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


def _coffee(ch) -> None:
    created = ts(ago(days=400))
    insert_rows(ch, "coffee.brand", [
        {"id": 1, "name": "Acme", "industry": "Sports", "country": "IN", "plan": "PRO",
         "created_at": created, "updated_at": created},
        {"id": 2, "name": "Globex", "industry": "Food", "country": "IN", "plan": "STARTER",
         "created_at": created, "updated_at": created},
    ])
    insert_rows(ch, "coffee.collection", [
        {"id": 10, "brand_id": 1, "name": "Summer run", "type": "POST", "campaign_id": 100,
         "created_by": 1, "created_at": "2023-09-01 00:00:00", "updated_at": "2023-09-01 00:00:00"},
        # deleted in its latest version: its items must disappear
        {"id": 11, "brand_id": 1, "name": "Old", "type": "POST", "created_by": 1,
         "created_at": created, "updated_at": created},
        {"id": 11, "brand_id": 1, "name": "Old", "type": "POST", "created_by": 1, "deleted": 1,
         "created_at": created, "updated_at": ts(ago(days=1))},
        {"id": 20, "brand_id": 1, "name": "Shortlist", "type": "PROFILE", "created_by": 1,
         "created_at": created, "updated_at": created},
    ])

    def item(id_, coll, platform, code, post_type, created_at):
        return {"id": id_, "collection_id": coll, "platform": platform, "short_code": code,
                "post_type": post_type, "created_at": ts(created_at), "updated_at": ts(created_at)}

    insert_rows(ch, "coffee.post_collection_item", [
        # added before the 2023-11-22 cut-over, pasted as a URL
        item(1, 10, "INSTAGRAM", "https://www.instagram.com/p/StoryOld01/?igshid=abc123", "story",
             dt.datetime(2023, 10, 1, 12)),
        item(2, 10, "INSTAGRAM", "StoryNew01", "story", ago(days=10)),
        item(3, 10, "INSTAGRAM", "ReelA01", "reels", ago(days=5)),
        item(4, 10, "YOUTUBE", "https://youtu.be/VidAAAAAAA1?si=share", "video", ago(days=5)),
        item(5, 10, "INSTAGRAM", "ReelA01", "reels", ago(days=4)),   # same post again: one row
        item(6, 11, "INSTAGRAM", "ReelA01", "reels", ago(days=4)),   # deleted collection
        item(7, 10, "INSTAGRAM", "ZeroEr01", "story", ago(days=3)),  # ER 0: no estimate
    ])
    insert_rows(ch, "coffee.profile_collection_item", [
        {"id": 1, "collection_id": 20, "platform": "INSTAGRAM", "platform_id": "p1",
         "created_at": created, "updated_at": created},
        {"id": 2, "collection_id": 20, "platform": "INSTAGRAM", "platform_id": "p2",
         "created_at": created, "updated_at": created},
        {"id": 3, "collection_id": 20, "platform": "INSTAGRAM", "platform_id": "ghost",
         "created_at": created, "updated_at": created},
    ])
    insert_rows(ch, "coffee.campaign", [
        {"id": 100, "brand_id": 1, "name": "Run with us", "status": "LIVE",
         "start_date": ago(days=30).date(), "end_date": None, "budget": 100000.0, "currency": "INR",
         "hashtags": ["#NikeRun"], "created_at": ts(ago(days=31)), "updated_at": ts(ago(days=31))},
    ])
    insert_rows(ch, "coffee.campaign_profile", [
        {"id": 1, "campaign_id": 100, "platform": "INSTAGRAM", "platform_id": "p2", "fee": 9200.0,
         "deliverables": 2, "status": "DELIVERED", "created_at": created, "updated_at": created},
        {"id": 2, "campaign_id": 100, "platform": "INSTAGRAM", "platform_id": "p1", "fee": 3000.0,
         "deliverables": 2, "status": "ACCEPTED", "created_at": created, "updated_at": created},
        {"id": 3, "campaign_id": 100, "platform": "INSTAGRAM", "platform_id": "p4", "fee": 5000.0,
         "deliverables": 1, "status": "DROPPED", "created_at": created, "updated_at": created},
    ])
    insert_rows(ch, "coffee.order", [
        {"id": 1, "brand_id": 1, "plan": "PRO", "amount": "100.00", "currency": "USD", "status": "PAID",
         "credits": 10, "created_at": ts(ago(days=90)), "paid_at": ts(ago(days=90)), "updated_at": ts(ago(days=90))},
        {"id": 2, "brand_id": 1, "plan": "PRO", "amount": "5000.00", "currency": "INR", "status": "FAILED",
         "credits": 10, "created_at": ts(ago(days=60)), "updated_at": ts(ago(days=60))},
        {"id": 3, "brand_id": 1, "plan": "PRO", "amount": "50.00", "currency": "EUR", "status": "PAID",
         "credits": 5, "created_at": ts(ago(days=30)), "paid_at": ts(ago(days=30)), "updated_at": ts(ago(days=30))},
        {"id": 4, "brand_id": 2, "plan": "STARTER", "amount": "1000.00", "currency": "INR", "status": "PAID",
         "credits": 1, "created_at": ts(ago(days=10)), "paid_at": ts(ago(days=10)), "updated_at": ts(ago(days=10))},
    ])
    insert_rows(ch, "coffee.data_request", [
        {"id": 1, "brand_id": 1, "user_id": 1, "request_type": "PROFILE_REPORT", "platform": "INSTAGRAM",
         "platform_id": "p1", "status": "COMPLETE", "created_at": ts(ago(hours=50)),
         "completed_at": ts(ago(hours=20)), "updated_at": ts(ago(hours=20))},
        {"id": 2, "brand_id": 1, "user_id": 1, "request_type": "AUDIENCE_REPORT", "platform": "INSTAGRAM",
         "platform_id": "p2", "status": "COMPLETE", "created_at": ts(ago(hours=10)),
         "completed_at": ts(ago(hours=8)), "updated_at": ts(ago(hours=8))},
        {"id": 3, "brand_id": 1, "user_id": 1, "request_type": "PROFILE_REPORT", "platform": "INSTAGRAM",
         "platform_id": "p2", "status": "PENDING", "created_at": ts(ago(hours=30)),
         "updated_at": ts(ago(hours=30))},
    ])


def _beat(ch) -> None:
    ids = itertools.count(1)

    def post(code, profile, post_type, scraped, *, likes=0, comments=0, plays=None, follower=None, er=None,
             hashtags=(), published=None):
        return {"id": next(ids), "shortcode": code, "profile_id": profile,
                "post_type": post_type, "hashtags": list(hashtags), "likes": likes, "comments": comments,
                "plays": plays, "profile_follower": follower, "profile_er": er,
                "publish_time": ts(published or ago(days=6)), "created_at": ts(scraped), "updated_at": ts(scraped)}

    insert_rows(ch, "beat.instagram_post", [
        # the old story, re-scraped twice; the last scrape lost the profile numbers
        post("StoryOld01", "p1", "story", ago(days=20), follower=90000, er=3.0),
        post("StoryOld01", "p1", "story", ago(days=2), follower=100000, er=4.0),
        post("StoryOld01", "p1", "story", ago(days=1)),
        post("StoryNew01", "p1", "story", ago(days=1), follower=100000, er=4.0),
        post("ReelA01", "p2", "reels", ago(days=4), likes=100, comments=10, plays=1000, follower=20000, er=2.0,
             hashtags=["#Summer", "NikeRun", "summer"]),
        post("ReelA01", "p2", "reels", ago(days=2), likes=300, comments=20, plays=5000, follower=20000, er=2.0,
             hashtags=["#Summer", "NikeRun", "summer"]),
        post("ZeroEr01", "p3", "story", ago(days=3), follower=50000, er=0.0),
        # found through the campaign hashtag only
        post("ReelB02", "p2", "reels", ago(days=1), likes=80, comments=0, plays=2000, follower=20000, er=2.0,
             hashtags=["#NIKERUN"]),
        # same hashtag but published before the campaign started
        post("ReelOld03", "p2", "reels", ago(days=1), likes=999, comments=1, plays=9999, follower=20000, er=2.0,
             hashtags=["nikerun"], published=ago(days=40)),
        # a DROPPED creator's post does not count
        post("ReelP4", "p4", "reels", ago(days=1), likes=50, comments=5, plays=700, follower=8000, er=1.0,
             hashtags=["nikerun"]),
    ])
    insert_rows(ch, "beat.youtube_video", [
        {"id": 1, "video_id": "VidAAAAAAA1", "channel_id": "UCchan1", "title": "Run", "tags": ["Running"],
         "views": 10000, "likes": 500, "comments": 100, "duration_seconds": 300,
         "publish_time": ts(ago(days=6)), "created_at": ts(ago(days=2)), "updated_at": ts(ago(days=2))},
    ])
    insert_rows(ch, "beat.youtube_channel", [
        {"id": 1, "channel_id": "UCchan1", "title": "Chan One", "subscribers": 200000, "views": 10**7,
         "video_count": 10, "created_at": ts(ago(days=2)), "updated_at": ts(ago(days=2))},
    ])
    insert_rows(ch, "beat.instagram_account", [
        {"id": i, "profile_id": pid, "handle": handle, "followers": followers, "following": 100,
         "category": "Sports", "created_at": ts(ago(days=2)), "updated_at": ts(ago(hours=hours))}
        for i, (pid, handle, followers, hours) in enumerate(
            [("p1", "@One", 100000, 12), ("p2", "two", 20000, 5), ("p3", "three", 50000, 48)], start=1)
    ])

    def scrape(id_, flow, platform, status, created, seconds=None):
        updated = created + dt.timedelta(seconds=seconds or 0)
        return {"id": id_, "flow": flow, "platform": platform, "params": '{"shortcode": "x"}',
                "status": status, "created_at": ts(created), "updated_at": ts(updated)}

    flow = "refresh_post_by_shortcode"
    insert_rows(ch, "beat.scrape_request_log", [
        # last hour: 2 COMPLETE (60 s, 120 s), 1 FAILED, 1 PENDING; id 1 also has its PENDING row
        scrape(1, flow, "INSTAGRAM", "PENDING", ago(minutes=40)),
        scrape(1, flow, "INSTAGRAM", "COMPLETE", ago(minutes=40), 60),
        scrape(2, flow, "INSTAGRAM", "COMPLETE", ago(minutes=35), 120),
        scrape(3, flow, "INSTAGRAM", "FAILED", ago(minutes=30), 30),
        scrape(4, flow, "INSTAGRAM", "PENDING", ago(minutes=25)),
        # earlier today: 1 COMPLETE (600 s), 1 FAILED
        scrape(5, flow, "INSTAGRAM", "COMPLETE", ago(hours=5), 600),
        scrape(6, flow, "INSTAGRAM", "FAILED", ago(hours=6), 10),
        # yesterday: outside both windows
        scrape(7, flow, "INSTAGRAM", "COMPLETE", ago(hours=30), 5),
        # a YouTube flow idle in the last hour
        scrape(8, "refresh_yt_channel", "YOUTUBE", "COMPLETE", ago(hours=3), 45),
    ])


@pytest.fixture(scope="module")
def built(ch, dbt):
    apply_sources(ch)
    _coffee(ch)
    _beat(ch)
    # cautious: tests of other domains that merely touch our staging parents stay out
    dbt("build", "--select", *SELECT, "--indirect-selection", "cautious")
    return ch


def rows(ch, sql: str) -> list[dict]:
    result = ch.query(sql)
    return [dict(zip(result.column_names, r, strict=True)) for r in result.result_rows]


def one(ch, sql: str) -> dict:
    found = rows(ch, sql)
    assert len(found) == 1, found
    return found[0]


def test_story_reach_formula_branches(built):
    assert story_reach(100000, 4.0, before_cutover=True) == STORY_REACH_BEFORE
    assert story_reach(100000, 4.0, before_cutover=False) == STORY_REACH_AFTER
    got = {r["post_short_code"]: r["story_reach_estimate"] for r in rows(
        built, "select post_short_code, story_reach_estimate from dbt.mart_collection_post where collection_id = 10")}
    assert got == {
        "StoryOld01": STORY_REACH_BEFORE,   # item added 2023-10-01: log2(er)
        "StoryNew01": STORY_REACH_AFTER,    # added after the cut-over: log2(er + 2)
        "ReelA01": story_reach(20000, 2.0, before_cutover=False),
        "ZeroEr01": None,                   # ER 0 would be log2(0) = -inf
        "VidAAAAAAA1": None,                # YouTube: no story formula
    }


def test_story_data_takes_latest_known_follower_and_er(built):
    row = one(built, "select profile_follower, profile_er, scrape_count "
                     "from dbt.mart_staging_collection_story_data where shortcode = 'StoryOld01'")
    # scraped at 90000/3.0, then 100000/4.0, then without profile numbers
    assert row == {"profile_follower": 100000, "profile_er": 4.0, "scrape_count": 3}


def test_url_short_codes_are_cleaned_and_matched(built):
    got = rows(built, "select post_short_code, platform, is_scraped, likes from dbt.mart_collection_post "
                      "where item_id in (1, 4) order by item_id")
    assert got == [
        {"post_short_code": "StoryOld01", "platform": "INSTAGRAM", "is_scraped": 1, "likes": 0},
        {"post_short_code": "VidAAAAAAA1", "platform": "YOUTUBE", "is_scraped": 1, "likes": 500},
    ]


def test_collection_post_grid(built):
    got = {r["post_short_code"]: r for r in rows(built, "select * from dbt.mart_collection_post")}
    assert set(got) == {"StoryOld01", "StoryNew01", "ReelA01", "VidAAAAAAA1", "ZeroEr01"}
    reel = got["ReelA01"]
    assert reel["item_id"] == 3                        # first of the two items, not the deleted collection's
    assert reel["hashtags"] == ["summer", "nikerun"]   # lower-cased, '#' gone, each once
    assert (reel["likes"], reel["comments"], reel["engagement"]) == (300, 20, 320)
    assert reel["estimated_reach"] == 5000             # plays of the latest scrape
    assert reel["er"] == pytest.approx(320 / 20000 * 100)
    video = got["VidAAAAAAA1"]
    assert (video["platform_id"], video["profile_follower"], video["estimated_reach"]) == ("UCchan1", 200000, 10000)
    assert video["er"] == pytest.approx(600 / 10000 * 100)


def test_collection_summary_totals(built):
    row = one(built, "select * from dbt.mart_collection_summary where collection_id = 10")
    assert row["posts"] == 5
    assert row["scraped_posts"] == 5
    assert row["story_posts"] == 3
    assert row["creators"] == 4                     # p1, p2, p3, UCchan1
    assert (row["likes"], row["comments"], row["engagement"]) == (800, 120, 920)
    assert row["estimated_reach"] == STORY_REACH_BEFORE + STORY_REACH_AFTER + 5000 + 10000
    ids = [r["collection_id"] for r in rows(built, "select collection_id from dbt.mart_collection_summary")]
    assert 11 not in ids


def test_collection_time_series_carries_latest_values(built):
    got = {r["date"]: r["likes"] for r in rows(
        built, "select date, likes from dbt.mart_collection_post_time_series where collection_id = 10")}
    day = lambda n: ago(days=n).date()  # noqa: E731
    # ReelA01 100 likes on day -4, 300 on day -2; the video 500 on day -2; stories 0
    assert got[day(20)] == 0
    assert got[day(4)] == 100
    assert got[day(3)] == 100
    assert got[day(2)] == 800
    assert got[day(1)] == 800


def test_collection_hashtags(built):
    got = {r["hashtag"]: r for r in rows(built, "select * from dbt.mart_collection_hashtag_stats where collection_id = 10")}
    assert set(got) == {"summer", "nikerun"}
    assert got["summer"]["posts"] == 1
    assert got["summer"]["engagement"] == 320
    assert got["summer"]["share_of_posts"] == pytest.approx(1 / 4)   # 4 scraped Instagram posts


def test_profile_collection(built):
    got = {r["platform_id"]: r for r in rows(built, "select * from dbt.mart_collection_profile where collection_id = 20")}
    assert got["p1"]["follower_group"] == "100k-500k"
    assert got["p2"]["follower_group"] == "10k-50k"
    assert got["ghost"]["is_scraped"] == 0 and got["ghost"]["followers"] is None
    summary = one(built, "select * from dbt.mart_collection_profile_summary where collection_id = 20")
    assert (summary["profiles"], summary["scraped_profiles"], summary["total_followers"]) == (3, 2, 120000)
    assert summary["median_followers"] == pytest.approx(60000)
    assert summary["follower_groups"] == {"100k-500k": 1, "10k-50k": 1, "unknown": 1}


def test_campaign_posts_via_collection_and_hashtag(built):
    got = {r["shortcode"]: r["matched_via"] for r in rows(
        built, "select shortcode, matched_via from dbt.mart_campaign_post where campaign_id = 100")}
    assert got == {
        "StoryOld01": "COLLECTION", "StoryNew01": "COLLECTION", "VidAAAAAAA1": "COLLECTION",
        "ZeroEr01": "COLLECTION", "ReelA01": "COLLECTION+HASHTAG", "ReelB02": "HASHTAG",
    }


def test_campaign_cpe_and_cpm(built):
    creator = one(built, "select * from dbt.mart_campaign_creator_performance "
                         "where campaign_id = 100 and platform_id = 'p2'")
    # p2: ReelA01 (300 + 20) and ReelB02 (80 + 0) for a fee of 9200
    assert (creator["posts"], creator["engagement"], creator["estimated_reach"]) == (2, 400, 7000)
    assert creator["cpe"] == pytest.approx(9200 / 400)
    assert creator["cpm"] == pytest.approx(9200 / 7000 * 1000)
    assert creator["delivery_rate"] == pytest.approx(1.0)
    post = one(built, "select * from dbt.mart_campaign_post where campaign_id = 100 and shortcode = 'ReelA01'")
    assert post["post_cost"] == pytest.approx(4600)
    assert post["cpe"] == pytest.approx(4600 / 320)

    summary = one(built, "select * from dbt.mart_campaign_summary where campaign_id = 100")
    assert summary["committed_fees"] == pytest.approx(9200 + 3000)   # the DROPPED creator's fee does not count
    assert summary["posts"] == 6
    assert summary["engagement"] == 0 + 0 + 320 + 600 + 0 + 80
    assert summary["cpe"] == pytest.approx(12200 / 1000)
    assert summary["budget_utilisation"] == pytest.approx(12200 / 100000)
    # p1's two stories earned no engagement: no CPE rather than a division by zero
    p1 = one(built, "select cpe, posts from dbt.mart_campaign_creator_performance where platform_id = 'p1'")
    assert p1 == {"cpe": None, "posts": 2}


def test_orders_inr_and_running_revenue(built):
    got = rows(built, "select order_id, amount_inr, revenue_inr, is_first_order, running_revenue_inr "
                      "from dbt.mart_gcc_orders order by order_id")
    assert got == [
        {"order_id": 1, "amount_inr": Decimal("8300.00"), "revenue_inr": Decimal("8300.00"),
         "is_first_order": 1, "running_revenue_inr": Decimal("8300.00")},
        {"order_id": 2, "amount_inr": Decimal("5000.00"), "revenue_inr": Decimal("0.00"),
         "is_first_order": 0, "running_revenue_inr": Decimal("8300.00")},
        {"order_id": 3, "amount_inr": Decimal("4525.00"), "revenue_inr": Decimal("4525.00"),
         "is_first_order": 0, "running_revenue_inr": Decimal("12825.00")},
        {"order_id": 4, "amount_inr": Decimal("1000.00"), "revenue_inr": Decimal("1000.00"),
         "is_first_order": 1, "running_revenue_inr": Decimal("1000.00")},
    ]


def test_data_request_sla(built):
    got = {r["request_id"]: r for r in rows(built, "select * from dbt.mart_data_request")}
    assert got[1]["turnaround_hours"] == pytest.approx(30)
    assert got[1]["is_sla_breached"] == 1
    assert got[2]["turnaround_hours"] == pytest.approx(2)
    assert got[2]["is_sla_breached"] == 0
    assert got[3]["turnaround_hours"] is None
    assert got[3]["is_sla_breached"] == 1              # open for 30 h
    assert got[2]["profile_scraped_since_request"] == 1   # p2 scraped 5 h ago, request 10 h ago
    assert got[1]["profile_scraped_since_request"] == 1   # p1 scraped 12 h ago, request 50 h ago
    summary = one(built, "select * from dbt.mart_data_request_brand_summary where brand_id = 1")
    assert (summary["requests"], summary["completed"], summary["open"], summary["sla_breaches"]) == (3, 2, 1, 2)
    assert summary["fulfilment_rate"] == pytest.approx(1.0)
    assert summary["p50_turnaround_hours"] == pytest.approx(16)   # median of 2 h and 30 h
    assert summary["requests_by_type"] == {"PROFILE_REPORT": 2, "AUDIENCE_REPORT": 1}


def test_scrape_request_health(built):
    got = {(r["flow"], r["window"]): r for r in rows(built, "select * from dbt.mart_scrape_request_health")}
    hour = got[("refresh_post_by_shortcode", "1h")]
    assert (hour["requests"], hour["complete"], hour["failed"], hour["pending"]) == (4, 2, 1, 1)
    assert hour["success_rate"] == pytest.approx(2 / 3)
    assert hour["p50_latency_seconds"] == pytest.approx(90)
    day = got[("refresh_post_by_shortcode", "24h")]
    assert (day["requests"], day["complete"], day["failed"], day["pending"]) == (6, 3, 2, 1)
    assert day["success_rate"] == pytest.approx(0.6)
    assert day["p50_latency_seconds"] == pytest.approx(120)
    assert day["p95_latency_seconds"] == pytest.approx(120 + 0.9 * 480)
    idle = got[("refresh_yt_channel", "1h")]
    assert (idle["requests"], idle["success_rate"], idle["p50_latency_seconds"]) == (0, None, None)
    assert got[("refresh_yt_channel", "24h")]["success_rate"] == pytest.approx(1.0)
