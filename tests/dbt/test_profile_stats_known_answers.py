"""Known answers for the post ranking marts (profile_stats and profile_stats_partial).

Fixture, relative to now (the marts keep posts of the last 90 days or the 50 newest):
  r1    15 reels + 3 images published in the last 16 days, all scraped an hour ago;
        reel R01 also has an older scrape with far more likes (the latest scrape wins);
        insights give its reels reach
  p2    2 images with post-level reach, scraped 2 h ago
  old1  3 posts published 200 days ago, scraped 3 days ago (recent by the 50-newest rule,
        too old a scrape for the partial run)
  many  55 posts published 100+ days ago: only the 50 newest are recent
  UCr   YouTube channel with 13 Shorts + 2 long videos
"""

from __future__ import annotations

import datetime as dt
import math
import statistics

import pytest

from stir.generate.testing import apply_sources, insert_rows

NOW = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
TODAY = NOW.date()
SCRAPED = NOW - dt.timedelta(hours=1)

REEL_LIKES = {i: 100 * i for i in range(1, 16)}  # R01 newest .. R15 oldest
IMAGE_LIKES = {j: 10 * j for j in range(1, 4)}

# Tests of other areas' models that merely reference our parents (relationships to staging)
# are not ours to run here.
ONLY_OURS = ("--indirect-selection", "cautious")


@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


def post(shortcode, profile_id, post_type, published, likes, comments, updated_at=SCRAPED, **extra):
    return {"id": 1, "shortcode": shortcode, "profile_id": profile_id, "post_type": post_type,
            "likes": likes, "comments": comments, "publish_time": published,
            "created_at": updated_at, "updated_at": updated_at, **extra}


def account(profile_id, followers):
    return {"id": 1, "profile_id": profile_id, "handle": profile_id, "followers": followers, "following": 5,
            "account_type": "CREATOR", "created_at": SCRAPED, "updated_at": SCRAPED}


def video(video_id, published, views, is_short):
    return {"id": 1, "video_id": video_id, "channel_id": "UCr", "views": views, "likes": views // 100,
            "comments": views // 1000, "is_short": is_short, "publish_time": published,
            "created_at": SCRAPED, "updated_at": SCRAPED}


@pytest.fixture(scope="module")
def built(ch, dbt):
    apply_sources(ch)
    day = dt.timedelta(days=1)
    posts = [
        post(f"R{i:02d}", "r1", "reels", NOW - i * day, likes, i, views=2000 * i, plays=1000 * i)
        for i, likes in REEL_LIKES.items()
    ]
    posts.append(post("R01", "r1", "reels", NOW - day, 999_999, 999, updated_at=NOW - 2 * day,
                      views=5, plays=5))
    posts += [post(f"I{j}", "r1", "image", NOW - j * day - dt.timedelta(hours=12), likes, 0)
              for j, likes in IMAGE_LIKES.items()]
    posts += [post("P1", "p2", "image", NOW - day, 20, 2, updated_at=NOW - dt.timedelta(hours=2), reach=300),
              post("P2", "p2", "image", NOW - 2 * day, 40, 4, updated_at=NOW - dt.timedelta(hours=2), reach=500)]
    posts += [post(f"O{k}", "old1", "carousel", NOW - (200 + k) * day, 10, 1, updated_at=NOW - 3 * day)
              for k in range(3)]
    posts += [post(f"M{k:02d}", "many", "image", NOW - (100 + k) * day, 10, 1, updated_at=NOW - 3 * day)
              for k in range(55)]
    insert_rows(ch, "beat.instagram_post", posts)
    insert_rows(ch, "beat.instagram_account", [account("r1", 10_000), account("p2", 1_000),
                                               account("old1", 500), account("many", 800)])
    insert_rows(ch, "beat.instagram_profile_insights", [
        {"profile_id": "r1", "date": TODAY - 2 * day, "reels_reach": 4000, "updated_at": SCRAPED},
        {"profile_id": "r1", "date": TODAY - 3 * day, "reels_reach": 6000, "updated_at": SCRAPED},
        # outside the 30-day window
        {"profile_id": "r1", "date": TODAY - 60 * day, "reels_reach": 1_000_000, "updated_at": SCRAPED},
    ])
    insert_rows(ch, "beat.youtube_channel", [
        {"id": 1, "channel_id": "UCr", "subscribers": 100_000, "created_at": SCRAPED, "updated_at": SCRAPED}])
    insert_rows(ch, "beat.youtube_video",
                [video(f"S{i:02d}", NOW - i * day, 1000 * i, 1) for i in range(1, 14)]
                + [video("V1", NOW - 3 * day, 50_000, 0), video("V2", NOW - 5 * day, 70_000, 0)])
    dbt("build", *ONLY_OURS, "--select", "+path:models/marts/profile_stats", "+path:models/marts/profile_stats_partial")
    return ch


def query(client, sql):
    result = client.query(sql)
    return [dict(zip(result.column_names, r, strict=True)) for r in result.result_rows]


def test_recent_posts_latest_scrape_and_recency_rules(built):
    got = {r["profile_id"]: r["n"] for r in query(built, """
        select profile_id, count() as n from dbt.mart_instagram_recent_post_stats group by profile_id""")}
    assert got == {"r1": 18, "p2": 2, "old1": 3, "many": 50}
    (r01,) = query(built, """select likes, comments, post_class, post_rank, post_rank_by_class, er
                             from dbt.mart_instagram_recent_post_stats where shortcode = 'R01'""")
    assert r01 == {"likes": 100, "comments": 1, "post_class": "reels", "post_rank": 1,
                   "post_rank_by_class": 1, "er": round(101 / 10_000 * 100, 4)}


def test_post_ranking_top_12_per_class(built):
    rows = query(built, """
        select post_class, metric, rank, shortcode, value from dbt.mart_instagram_post_ranking
        where profile_id = 'r1' order by post_class, metric, rank""")
    reels_by_likes = [(r["rank"], r["shortcode"]) for r in rows if (r["post_class"], r["metric"]) == ("reels", "likes")]
    # the 12 newest reels are R01..R12; older reels have more likes, so R12 leads
    assert reels_by_likes == [(k, f"R{13 - k:02d}") for k in range(1, 13)]
    images_by_likes = [(r["rank"], r["shortcode"], r["value"]) for r in rows
                       if (r["post_class"], r["metric"]) == ("image", "likes")]
    assert images_by_likes == [(1, "I3", 30), (2, "I2", 20), (3, "I1", 10)]
    per_metric = {}
    for r in rows:
        per_metric[(r["post_class"], r["metric"])] = per_metric.get((r["post_class"], r["metric"]), 0) + 1
    # images have no plays or views: not ranked on them
    assert per_metric == {("image", "comments"): 3, ("image", "likes"): 3,
                          ("reels", "comments"): 12, ("reels", "likes"): 12,
                          ("reels", "plays"): 12, ("reels", "views"): 12}


def test_account_summary(built):
    (s,) = query(built, """
        select followers, post_count, reels_count, image_count, avg_likes, avg_comments, avg_plays,
               avg_views, engagement_rate, top_reel_by_likes, top_static_by_likes
        from dbt.mart_instagram_account_summary where profile_id = 'r1'""")
    likes = [REEL_LIKES[i] for i in range(1, 13)] + list(IMAGE_LIKES.values())
    comments = list(range(1, 13)) + [0, 0, 0]
    avg_likes, avg_comments = sum(likes) / 15, sum(comments) / 15  # 524.0, 5.2
    assert s == {
        "followers": 10_000, "post_count": 15, "reels_count": 12, "image_count": 3,
        "avg_likes": pytest.approx(524.0), "avg_comments": pytest.approx(5.2),
        "avg_plays": pytest.approx(6500.0), "avg_views": pytest.approx(13_000.0),
        "engagement_rate": pytest.approx(round((avg_likes + avg_comments) / 10_000 * 100, 4)),
        "top_reel_by_likes": "R12", "top_static_by_likes": "I3",
    }


def test_engagement_stats(built):
    (e,) = query(built, """
        select recent_post_count, comments_rate, likes_to_comment_ratio, likes_spread, avg_posts_per_week
        from dbt.mart_instagram_engagement_stats where profile_id = 'r1'""")
    likes = list(REEL_LIKES.values()) + list(IMAGE_LIKES.values())  # all 18 recent feed posts
    comments = list(range(1, 16)) + [0, 0, 0]
    assert e == {
        "recent_post_count": 18,
        "comments_rate": pytest.approx(round(sum(comments) / 18 / 10_000 * 100, 4)),
        "likes_to_comment_ratio": pytest.approx(round(sum(likes) / sum(comments), 4)),
        "likes_spread": pytest.approx(round(statistics.pstdev(likes) / statistics.fmean(likes), 4)),
        "avg_posts_per_week": pytest.approx(1.5),
    }
    (old,) = query(built, "select avg_posts_per_week, likes_spread from dbt.mart_instagram_engagement_stats "
                          "where profile_id = 'old1'")
    assert old == {"avg_posts_per_week": 0.0, "likes_spread": 0.0}


def test_reach_sources(built):
    rows = {r["profile_id"]: r for r in query(built, """
        select profile_id, reels_reach, image_reach, story_reach, reach_source
        from dbt.mart_instagram_reach_stats where profile_id in ('r1', 'p2')""")}
    er = round((524.0 + 5.2) / 10_000 * 100, 4)
    story = round(max(0.0, -0.000025017 * 10_000 + 1.11 * (10_000 * abs(math.log2(er + 2)) * 2 / 100)))
    # r1: reels from insights (30-day average); image estimated from p2's 400 reach / 1000 followers
    assert rows["r1"] == {"profile_id": "r1", "reels_reach": 5000, "image_reach": 4000, "story_reach": story,
                          "reach_source": "INSIGHTS"}
    # p2: image reach from its posts; reels estimated from r1's 5000 / 10000
    assert rows["p2"]["image_reach"] == 400
    assert rows["p2"]["reels_reach"] == 500
    assert rows["p2"]["reach_source"] == "ESTIMATE"


def test_youtube_ranking_and_summary(built):
    rows = query(built, """
        select video_class, rank, video_id from dbt.mart_youtube_video_ranking
        where metric = 'views' order by video_class, rank""")
    assert [(r["video_class"], r["rank"], r["video_id"]) for r in rows] == (
        [("short", k, f"S{13 - k:02d}") for k in range(1, 13)] + [("video", 1, "V2"), ("video", 2, "V1")])
    (s,) = query(built, "select video_count, shorts_count, avg_views, shorts_share, top_video_by_views "
                        "from dbt.mart_youtube_account_summary where channel_id = 'UCr'")
    assert s == {"video_count": 14, "shorts_count": 12, "avg_views": pytest.approx((78_000 + 120_000) / 14),
                 "shorts_share": pytest.approx(12 / 14), "top_video_by_views": "V2"}


def test_partial_covers_recently_scraped_profiles_with_the_full_numbers(built):
    cols = "profile_id, post_count, avg_likes, avg_comments, avg_plays, engagement_rate, top_reel_by_likes"
    partial = query(built, f"select {cols} from dbt.mart_instagram_account_summary_partial final order by profile_id")
    full = query(built, f"select {cols} from dbt.mart_instagram_account_summary "
                        "where profile_id in ('r1', 'p2') order by profile_id")
    assert [r["profile_id"] for r in partial] == ["p2", "r1"]
    assert partial == full
    ranking = query(built, """
        select count() as n from dbt.mart_instagram_post_ranking_partial final where profile_id = 'r1'""")
    assert ranking == [{"n": 12 * 4 + 3 * 2}]
    assert query(built, "select channel_id from dbt.mart_youtube_account_summary_partial final") == [
        {"channel_id": "UCr"}]


def test_partial_rerun_keeps_one_row_per_key(built, dbt):
    insert_rows(built, "beat.instagram_post", [
        post("R01", "r1", "reels", NOW - dt.timedelta(days=1), 5000, 50, updated_at=NOW, views=2000, plays=1000)])
    dbt("build", *ONLY_OURS, "--select", "+path:models/marts/profile_stats_partial")
    (row,) = query(built, "select likes from dbt.mart_instagram_recent_post_stats_partial final "
                          "where shortcode = 'R01'")
    assert row == {"likes": 5000}
    assert query(built, "select count() as n from dbt.mart_instagram_account_summary_partial final") == [{"n": 2}]
    (top,) = query(built, "select top_reel_by_likes from dbt.mart_instagram_account_summary_partial final "
                          "where profile_id = 'r1'")
    assert top == {"top_reel_by_likes": "R01"}


def test_recent_posts_see_a_posts_newest_version_before_any_merge(built, dbt):
    # the profile filter is applied before FINAL (PREWHERE): it must still pick the newest
    # of a post's unmerged versions, whenever ClickHouse gets round to merging them
    built.command("SYSTEM STOP MERGES dbt.mart_instagram_post")
    try:
        built.command("INSERT INTO dbt.mart_instagram_post SELECT * REPLACE (toInt64(777) AS likes, "
                      "last_scraped_at + 60 AS last_scraped_at) FROM dbt.mart_instagram_post FINAL "
                      "WHERE shortcode = 'P1'")
        assert query(built, "select count() as n from dbt.mart_instagram_post where shortcode = 'P1'") == [{"n": 2}]
        dbt("run", "--select", "mart_instagram_recent_post_stats")
        (row,) = query(built, "select likes from dbt.mart_instagram_recent_post_stats where shortcode = 'P1'")
        assert row == {"likes": 777}
    finally:
        built.command("SYSTEM START MERGES dbt.mart_instagram_post")
