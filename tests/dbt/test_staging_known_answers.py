"""Known answers for the staging clean-up and dedup rules, from a tiny hand-written
fixture. Every expected value below is worked out by hand from the rows inserted."""

from __future__ import annotations

import pytest

from stir.generate.testing import apply_sources, insert_rows


@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


D1, D2, D3 = "2026-01-01 00:00:00", "2026-01-02 00:00:00", "2026-01-03 00:00:00"


@pytest.fixture(scope="module")
def built(ch, dbt):
    apply_sources(ch)
    insert_rows(ch, "beat.instagram_account", [
        {"id": 1, "profile_id": "1", "handle": " @Foo.Bar", "followers": 100, "following": 10, "country": "in",
         "external_url": "https://shop.example.com/foo?utm_source=ig&b=1&igshid=abc#top", "created_at": D1, "updated_at": D1},
        {"id": 2, "profile_id": "1", "handle": "Foo.Bar", "followers": 150, "following": 12, "country": "IN",
         "created_at": D1, "updated_at": D2},
        # the latest scrape missed the follower count: the last known value must survive
        {"id": 3, "profile_id": "1", "handle": "@foo.bar", "followers": None, "following": 13, "full_name": " Foo ",
         "created_at": D2, "updated_at": D3},
    ])
    post = {"profile_id": "1", "post_type": "reels", "publish_time": D1, "created_at": D1}
    insert_rows(ch, "beat.instagram_post", [
        {**post, "id": 1, "shortcode": "A", "likes": 10, "comments": 2, "profile_follower": 100, "updated_at": D1},
        {**post, "id": 2, "shortcode": "A", "likes": 30, "comments": 5, "profile_follower": 100, "updated_at": D2,
         "hashtags": ["#Food", "FOOD ", "", "Travel"], "mentions": ["@Some.One"]},
        {**post, "id": 2, "shortcode": "A", "likes": 30, "comments": 5, "profile_follower": 100, "updated_at": D2,
         "hashtags": ["#Food", "FOOD ", "", "Travel"], "mentions": ["@Some.One"]},  # re-delivered exactly
        {**post, "id": 3, "shortcode": "B", "likes": None, "comments": 3, "profile_follower": 0, "updated_at": D2},
    ])
    insert_rows(ch, "beat.instagram_account_time_series", [
        {"profile_id": "1", "date": "2026-01-05", "followers": 100, "created_at": "2026-01-05 10:00:00"},
        {"profile_id": "1", "date": "2026-01-05", "followers": 120, "created_at": "2026-01-09 08:00:00"},  # late fix
        {"profile_id": "1", "date": "2026-01-12", "followers": 130, "created_at": "2026-01-12 10:00:00"},
    ])
    insert_rows(ch, "beat.instagram_audience", [
        {"profile_id": "1", "dimension": "gender", "key": "MALE", "share": 0.4, "updated_at": D1},
        {"profile_id": "1", "dimension": "gender", "key": "FEMALE", "share": 0.5, "updated_at": D1},
        {"profile_id": "1", "dimension": "gender", "key": "UNKNOWN", "share": 0.1, "updated_at": D1},
        {"profile_id": "1", "dimension": "gender", "key": "male", "share": 0.3, "updated_at": D3},
        {"profile_id": "1", "dimension": "gender", "key": "FEMALE", "share": 0.7, "updated_at": D3},
    ])
    insert_rows(ch, "beat.instagram_hashtag", [
        {"hashtag": "#Travel", "posts_count": 10, "updated_at": D1},
        {"hashtag": " travel", "posts_count": 20, "updated_at": D2},
    ])
    insert_rows(ch, "beat.scrape_request_log", [
        {"id": 10, "flow": "refresh_post_by_shortcode", "platform": "instagram", "params": '{"shortcode": "A"}',
         "status": "PENDING", "created_at": D1, "updated_at": D1},
        {"id": 10, "flow": "refresh_post_by_shortcode", "platform": "instagram", "params": '{"shortcode": "A"}',
         "status": "COMPLETE", "created_at": D1, "updated_at": "2026-01-01 00:05:00"},
        {"id": 11, "flow": "refresh_profile_by_handle", "platform": "INSTAGRAM", "params": '{"handle": "@Foo.Bar"}',
         "status": "FAILED", "error": "HTTP 429", "created_at": D1, "updated_at": D1},
    ])
    insert_rows(ch, "beat.profile_link", [
        {"handle": "@Foo.Bar", "profile_id": "1", "channel_id": "UCx", "source": "BIO", "updated_at": D1},
        {"handle": "foo.bar", "profile_id": "1", "channel_id": None, "source": "manual", "updated_at": D2},
    ])
    insert_rows(ch, "coffee.brand", [
        {"id": 1, "name": " Acme ", "plan": "free", "created_at": D1, "updated_at": D1},
        {"id": 1, "name": " Acme ", "plan": "PRO", "created_at": D1, "updated_at": D2},
        {"id": 2, "name": "Gone", "plan": "FREE", "created_at": D1, "updated_at": D1},
        {"id": 2, "name": "Gone", "plan": "FREE", "created_at": D1, "updated_at": D2, "deleted": 1},
    ])
    insert_rows(ch, "coffee.collection", [
        {"id": 1, "brand_id": 1, "name": "c", "type": "post", "created_at": D1, "updated_at": D1},
    ])
    item = {"collection_id": 1, "platform": "INSTAGRAM", "created_at": D1, "updated_at": D1}
    insert_rows(ch, "coffee.post_collection_item", [
        {**item, "id": 1, "short_code": "https://www.instagram.com/p/CODE123/?igshid=xyz",
         "post_url": "https://www.instagram.com/p/CODE123/?utm_source=ig_web_copy_link"},
        {**item, "id": 2, "platform": "youtube", "short_code": "https://youtu.be/dQw4w9WgXcQ"},
        {**item, "id": 3, "short_code": "1234567"},
        {**item, "id": 4, "short_code": "GONE"},
        {**item, "id": 4, "short_code": "GONE", "updated_at": D2, "deleted": 1},
        {**item, "id": 5, "short_code": "BACK", "deleted": 1},
        {**item, "id": 5, "short_code": "BACK", "updated_at": D2},
        {**item, "id": 6, "short_code": "https://www.instagram.com/reel/REEL_1-x/", "post_type": "Reels"},
        {**item, "id": 7, "short_code": "https://www.youtube.com/watch?v=abcdefghijk&t=42s", "platform": "YOUTUBE"},
        {**item, "id": 8, "short_code": " PLAIN/ "},
    ])
    insert_rows(ch, "coffee.campaign", [
        {"id": 1, "brand_id": 1, "name": "Summer", "status": "live", "start_date": "2026-01-01",
         "hashtags": ["#Summer", "summer", " #Sale", "#"], "created_at": D1, "updated_at": D1},
    ])
    insert_rows(ch, "coffee.journey_event", [
        {"id": 1, "user_id": 1, "brand_id": 1, "step": "signup", "occurred_at": D1, "created_at": "2026-01-01 10:00:00"},
        {"id": 1, "user_id": 1, "brand_id": 1, "step": "signup", "occurred_at": D1, "created_at": "2026-01-01 11:00:00"},
    ])
    dbt("build", "--select", "staging", "--indirect-selection", "cautious")
    return ch


def rows(ch, sql):
    return [tuple(r) for r in ch.query(sql).result_rows]


def test_account_scraped_three_times_is_one_row_with_latest_known_values(built):
    got = rows(built, """
        select id, handle, followers, following, full_name, country, external_url,
               toString(created_at), toString(updated_at), scrape_count
        from dbt.stg_beat_instagram_account""")
    assert got == [(3, "foo.bar", 150, 13, "Foo", "IN", "https://shop.example.com/foo?b=1", D1, D3, 3)]


def test_post_scrapes_are_kept_once_each_with_clean_hashtags_and_er(built):
    got = rows(built, """
        select shortcode, toString(updated_at), likes, comments, engagement, er, hashtags, mentions
        from dbt.stg_beat_instagram_post final order by shortcode, updated_at""")
    assert got == [
        ("A", D1, 10, 2, 12, 12.0, [], []),
        ("A", D2, 30, 5, 35, 35.0, ["food", "food", "travel"], ["some.one"]),
        # likes NULL -> 0; followers 0 -> no ER rather than a division by zero
        ("B", D2, 0, 3, 3, None, [], []),
    ]


def test_late_corrected_snapshot_replaces_the_earlier_one(built):
    got = rows(built, "select toString(date), followers from dbt.stg_beat_instagram_account_time_series final order by date")
    assert got == [("2026-01-05", 120), ("2026-01-12", 130)]


def test_audience_keeps_only_the_latest_snapshot(built):
    got = rows(built, "select dimension, key, share from dbt.stg_beat_instagram_audience order by key")
    assert got == [("gender", "FEMALE", 0.7), ("gender", "MALE", 0.3)]


def test_hashtags_merge_across_spellings(built):
    assert rows(built, "select hashtag, posts_count from dbt.stg_beat_instagram_hashtag") == [("travel", 20)]


def test_scrape_request_has_its_latest_status_and_params_pulled_out(built):
    got = rows(built, """
        select id, platform, status, shortcode, handle from dbt.stg_beat_scrape_request_log final order by id""")
    assert got == [(10, "INSTAGRAM", "COMPLETE", "A", None), (11, "INSTAGRAM", "FAILED", None, "foo.bar")]


def test_unlinked_profile_link_wins(built):
    assert rows(built, "select handle, channel_id, source from dbt.stg_beat_profile_link") == [("foo.bar", None, "MANUAL")]


def test_brand_latest_version_and_deleted_dropped(built):
    assert rows(built, "select id, name, plan from dbt.stg_coffee_brand") == [(1, "Acme", "PRO")]


def test_collection_item_short_codes_are_cleaned_and_deletes_dropped(built):
    got = rows(built, """
        select id, platform, short_code, is_valid_short_code, post_type, post_url
        from dbt.stg_coffee_post_collection_item order by id""")
    assert got == [
        (1, "INSTAGRAM", "CODE123", 1, None, "https://www.instagram.com/p/CODE123/"),
        (2, "YOUTUBE", "dQw4w9WgXcQ", 1, None, None),
        (3, "INSTAGRAM", "1234567", 0, None, None),
        (5, "INSTAGRAM", "BACK", 1, None, None),
        (6, "INSTAGRAM", "REEL_1-x", 1, "reels", None),
        (7, "YOUTUBE", "abcdefghijk", 1, None, None),
        (8, "INSTAGRAM", "PLAIN", 1, None, None),
    ]
    assert rows(built, "select raw_short_code from dbt.stg_coffee_post_collection_item where id = 1") == [
        ("https://www.instagram.com/p/CODE123/?igshid=xyz",)]


def test_campaign_hashtags_are_lower_case_without_hash_and_distinct(built):
    assert rows(built, "select status, hashtags from dbt.stg_coffee_campaign") == [("LIVE", ["summer", "sale"])]


def test_redelivered_event_keeps_its_first_write(built):
    assert rows(built, "select id, step, toString(created_at) from dbt.stg_coffee_journey_event") == [
        (1, "SIGNUP", "2026-01-01 10:00:00")]
