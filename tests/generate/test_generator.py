"""The generator against a real server: determinism, and the data shapes the marts and
DAGs rely on (power-law followers, ER band, re-scrapes, duplicates, gaps, late rows,
links between tables)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest

from stir.generate import ddl
from stir.generate.generator import checksums, generate
from stir.generate.world import World

ANCHOR = datetime(2026, 11, 2, 18, 0, 0)  # explicit: every run generates the same data
CREATORS = 400
SEED = 7


def run(client, seed=SEED, creators=CREATORS, with_events=False):
    return {r.table: r.rows for r in generate(client, World(seed, ANCHOR, creators), with_events=with_events)}


@pytest.fixture(scope="module")
def generated(ch):
    counts = run(ch)
    return counts, checksums(ch)


def scalar(ch, sql):
    return ch.query(sql).result_rows[0][0]


def test_every_source_table_but_events_is_filled(generated):
    counts, _ = generated
    assert set(counts) == set(ddl.source_tables()) - {"_e.scrape_request_log_events"}
    assert all(rows > 0 for rows in counts.values()), counts


def test_events_table_is_left_empty_by_default(generated, ch):
    assert scalar(ch, "SELECT count() FROM _e.scrape_request_log_events") == 0


def test_post_volume_is_about_fifty_per_creator(generated, ch):
    posts = scalar(ch, "SELECT uniqExact(shortcode) FROM beat.instagram_post")
    assert 40 * CREATORS < posts < 60 * CREATORS


def test_followers_follow_a_power_law(generated, ch):
    median, top_share, maximum = _power_law(ch)
    assert 1000 < median < 10_000
    assert top_share > 0.2, "the top 1 % of creators should hold a big share of all followers"
    assert maximum > 50 * median


def _power_law(ch):
    rows = ch.query("""
        SELECT argMax(followers, updated_at) AS f FROM beat.instagram_account
        WHERE followers IS NOT NULL GROUP BY profile_id ORDER BY f DESC""").result_rows
    followers = [r[0] for r in rows]
    top = followers[: max(1, len(followers) // 100)]
    return followers[len(followers) // 2], sum(top) / sum(followers), followers[0]


def test_most_post_engagement_rates_are_between_half_and_eight_percent(generated, ch):
    share = scalar(ch, """
        SELECT countIf(er BETWEEN 0.5 AND 8) / count()
        FROM (SELECT (ifNull(likes, 0) + ifNull(comments, 0)) / profile_follower * 100 AS er
              FROM beat.instagram_post WHERE post_type != 'story' AND likes IS NOT NULL)""")
    assert share > 0.7


def test_posts_are_rescraped_with_growing_likes_and_some_rows_are_exact_duplicates(generated, ch):
    rows, scrapes, posts = ch.query(
        "SELECT count(), uniqExact(shortcode, updated_at), uniqExact(shortcode) FROM beat.instagram_post").result_rows[0]
    assert rows > scrapes > posts
    shrinking = scalar(ch, """
        SELECT count() FROM (
            SELECT shortcode, arraySort(x -> x.1, groupArray((updated_at, likes))) AS s
            FROM beat.instagram_post WHERE likes IS NOT NULL GROUP BY shortcode)
        WHERE NOT arrayAll((a, b) -> a.2 <= b.2, arrayPopBack(s), arrayPopFront(s))""")
    assert shrinking == 0


def test_weekly_series_have_gaps_late_rows_and_duplicates(generated, ch):
    gaps = scalar(ch, """
        SELECT count() FROM (
            SELECT profile_id, date - lagInFrame(date) OVER (PARTITION BY profile_id ORDER BY date) AS step
            FROM (SELECT DISTINCT profile_id, date FROM beat.instagram_account_time_series))
        WHERE step > 7 AND step < 1000""")
    late = scalar(ch, "SELECT count() FROM beat.instagram_account_time_series WHERE created_at > toDateTime(date) + INTERVAL 2 DAY")
    dups = scalar(ch, "SELECT count() - uniqExact(profile_id, date, created_at) FROM beat.instagram_account_time_series")
    assert gaps > 0 and late > 0 and dups > 0


def test_dimensions_are_varied(generated, ch):
    countries, languages, categories, types, in_share = ch.query("""
        SELECT uniqExact(country), uniqExact(language), uniqExact(category), uniqExact(account_type), countIf(country = 'IN') / count()
        FROM beat.instagram_account""").result_rows[0]
    assert countries >= 20 and languages >= 10 and categories >= 15 and types == 3
    assert in_share > 0.35
    assert set(r[0] for r in ch.query("SELECT DISTINCT post_type FROM beat.instagram_post").result_rows) == {
        "reels", "image", "carousel", "story"}


def test_captions_carry_text_an_export_must_survive(generated, ch):
    found = ch.query(r"""
        SELECT countIf(position(caption, '\\') > 0), countIf(position(caption, '\t') > 0),
               countIf(position(caption, '"') > 0), countIf(position(caption, '\'') > 0), countIf(NOT match(caption, '^[[:ascii:]]*$'))
        FROM beat.instagram_post""").result_rows[0]
    assert all(n > 0 for n in found), found


def test_about_thirty_percent_of_creators_link_a_youtube_channel(generated, ch):
    linked = scalar(ch, "SELECT uniqExactIf(profile_id, channel_id IS NOT NULL) FROM beat.profile_link")
    assert 0.25 < linked / CREATORS < 0.35
    missing = scalar(ch, """
        SELECT count() FROM beat.profile_link
        WHERE channel_id IS NOT NULL AND channel_id NOT IN (SELECT channel_id FROM beat.youtube_channel)""")
    assert missing == 0


def test_collection_items_point_at_generated_posts(generated, ch):
    total, real = ch.query("""
        SELECT count(), countIf(short_code IN (SELECT shortcode FROM beat.instagram_post))
        FROM coffee.post_collection_item WHERE platform = 'INSTAGRAM'""").result_rows[0]
    url_like = scalar(ch, "SELECT countIf(short_code LIKE 'https://%') FROM coffee.post_collection_item")
    numeric = scalar(ch, "SELECT countIf(match(short_code, '^[0-9]+$')) FROM coffee.post_collection_item")
    assert real / total > 0.85 and url_like > 0 and numeric > 0
    recent = scalar(ch, f"SELECT countIf(created_at >= toDateTime('{ANCHOR}') - INTERVAL 2 MONTH) FROM coffee.post_collection_item")
    assert recent > 0
    assert scalar(ch, "SELECT countIf(post_type = 'story') FROM coffee.post_collection_item") > 0


def test_some_collected_posts_failed_repeatedly_and_never_completed_last_month(generated, ch):
    stuck = scalar(ch, f"""
        SELECT count() FROM (
            SELECT JSONExtractString(params, 'shortcode') AS shortcode
            FROM beat.scrape_request_log
            WHERE flow = 'refresh_post_by_shortcode' AND created_at >= toDateTime('{ANCHOR}') - INTERVAL 1 MONTH
            GROUP BY shortcode
            HAVING uniqExactIf(id, status = 'FAILED') > 1 AND uniqExactIf(id, status = 'COMPLETE') = 0)
        WHERE shortcode IN (SELECT shortcode FROM beat.instagram_post)""")
    assert stuck > 0
    flows = {r[0] for r in ch.query("SELECT DISTINCT flow FROM beat.scrape_request_log").result_rows}
    assert flows == {"refresh_post_by_shortcode", "refresh_profile_by_handle", "refresh_yt_channel"}


def test_audience_shares_sum_to_one_per_snapshot(generated, ch):
    worst = scalar(ch, """
        SELECT max(abs(s - 1)) FROM (
            SELECT sum(share) s FROM beat.instagram_audience GROUP BY profile_id, dimension, updated_at)""")
    assert worst < 1e-9


def test_coffee_shapes(generated, ch):
    assert scalar(ch, "SELECT uniqExact(id) FROM coffee.brand") == max(10, CREATORS // 100)
    assert scalar(ch, "SELECT uniqExact(type) FROM coffee.collection") == 2
    assert scalar(ch, "SELECT uniqExact(currency) FROM coffee.order") > 1
    assert scalar(ch, "SELECT countIf(proof_url LIKE 'proofs/%.png') = count() FROM coffee.content_verification")
    assert scalar(ch, "SELECT countIf(deleted = 1) FROM coffee.post_collection_item") > 0


def test_posts_inserted_month_by_month_equal_one_statement(generated, ch):
    """instagram_post goes one publish month per INSERT: together they must hold exactly
    the rows one unfiltered statement writes (no post lost or doubled at a month edge)."""
    from stir.generate.tables_instagram import _instagram_post

    world = World(SEED, ANCHOR, CREATORS)
    assert len(world.publish_month_filters("_publish")) >= 18
    ch.command("DROP TABLE IF EXISTS beat.instagram_post_one_shot")
    ch.command("CREATE TABLE beat.instagram_post_one_shot AS beat.instagram_post")
    try:
        one = _instagram_post(world, "1").replace("INTO beat.instagram_post\n", "INTO beat.instagram_post_one_shot\n")
        ch.command(one)
        assert checksums(ch, ["beat.instagram_post_one_shot"])["beat.instagram_post_one_shot"] == \
            generated[1]["beat.instagram_post"]
    finally:
        ch.command("DROP TABLE beat.instagram_post_one_shot")


def test_same_seed_and_anchor_regenerate_identical_tables(generated, ch):
    _, first = generated
    run(ch)
    assert checksums(ch) == first


def test_another_seed_changes_every_table(generated, ch):
    _, first = generated
    run(ch, seed=SEED + 1)
    other = checksums(ch)
    same = [t for t in first if first[t][0] > 0 and first[t] == other[t]]
    assert same == []


def test_cli_with_events_fills_the_event_table(ch_server, ch):
    proc = subprocess.run(
        [sys.executable, "-m", "stir.generate", "--creators", "50", "--seed", "3", "--with-events",
         "--anchor", ANCHOR.isoformat(), "--host", ch_server.host, "--port", str(ch_server.port)],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "coffee.content_verification" in proc.stderr
    events, pending = ch.query("""
        SELECT (SELECT count() FROM _e.scrape_request_log_events),
               (SELECT countIf(status = 'PENDING') FROM beat.scrape_request_log)""").result_rows[0]
    assert events == pending > 0
