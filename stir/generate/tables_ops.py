"""Scrape requests beat processed (beat.scrape_request_log) and the request events the
scrape API writes (_e.scrape_request_log_events, only with --with-events)."""

from __future__ import annotations

from stir.generate import vocab
from stir.generate.tables_coffee import post_items
from stir.generate.tables_instagram import DAY
from stir.generate.world import World

POST_FLOW, PROFILE_FLOW, CHANNEL_FLOW = 1 << 40, 2 << 40, 3 << 40
STUCK_SHARE = 0.04  # collected posts that failed repeatedly and never completed last month


def _requests(w: World, entities: str, key: str, stuck: str, created_salt: str) -> str:
    """Per entity `key`: 0-2 requests (stuck ones: 2-3 FAILED), each a PENDING row and,
    unless still pending, a row with its final status."""
    r = w.r
    n = f"if({stuck}, 2 + {r.chance(0.5, 'srl.more', key)}, {r.int(0, 2, 'srl.n', key)})"
    return f"""(
        SELECT *, q, {_final_status(w, key, stuck)} AS _final,
               {w.ago(r.seconds_back(str(30 * DAY), created_salt, key, 'q', power=3.0))} AS _created
        FROM {entities}
        ARRAY JOIN range({n}) AS q
    )
    ARRAY JOIN range(if(_final = 'PENDING', 1, 2)) AS v"""


def _final_status(w: World, key: str, stuck: str) -> str:
    weights = (("COMPLETE", 80), ("FAILED", 15), ("PENDING", 5))
    return f"if({stuck}, 'FAILED', {w.r.weighted(weights, 'srl.status', key, 'q')})"


def _columns(w: World, key: str) -> str:
    r = w.r
    return f"""
    if(v = 0, 'PENDING', _final),
    if(v = 1 AND _final = 'FAILED', {r.pick(vocab.SCRAPE_ERRORS, 'srl.err', key, 'q')}, NULL),
    toInt32({r.int(1, 3, 'srl.prio', key, 'q')}),
    _created,
    if(v = 0, _created, least({w.A}, _created + toIntervalSecond({r.int(5, 1800, 'srl.took', key, 'q')})))"""


def scrape_request_log(w: World) -> list[str]:
    r = w.r
    stuck = r.chance(STUCK_SHARE, "srl.stuck", "item")
    handle = w.handle("i")
    hv = r.u("srl.hv", "i", "q")
    post_rows = f"""
SELECT {POST_FLOW} + item * 4 + q, 'refresh_post_by_shortcode', 'INSTAGRAM',
       concat('{{"shortcode": "', {w.shortcode('_i', '_j')}, '"}}'), {_columns(w, 'item')}
FROM {_requests(w, f"(SELECT item, _i, _j FROM {post_items(w)} WHERE _platform = 'INSTAGRAM')", 'item', stuck, 'srl.at')}"""
    profile_rows = f"""
SELECT {PROFILE_FLOW} + i * 4 + q, 'refresh_profile_by_handle', 'INSTAGRAM',
       concat('{{"handle": "', multiIf({hv} < 0.1, concat('@', {handle}), {hv} < 0.2, upper({handle}), {handle}), '"}}'),
       {_columns(w, 'i')}
FROM {_requests(w, f"(SELECT number AS i FROM numbers({w.creators}) WHERE {r.chance(0.5, 'srl.profile', 'i')})",
                'i', '0', 'srl.at')}"""
    channel_rows = f"""
SELECT {CHANNEL_FLOW} + i * 4 + q, 'refresh_yt_channel', 'YOUTUBE',
       concat('{{"channel_id": "', {w.channel_id('i')}, '"}}'), {_columns(w, 'i')}
FROM {_requests(w, f"(SELECT {w.channel_owner('number')} AS i FROM numbers({w.channel_count}) WHERE {r.chance(0.5, 'srl.channel', 'i')})",
                'i', '0', 'srl.yt.at')}"""
    columns = "(id, flow, platform, params, status, error, priority, created_at, updated_at)"
    return [f"INSERT INTO beat.scrape_request_log {columns} {rows}" for rows in (post_rows, profile_rows, channel_rows)]


def _uuid(h1: str, h2: str) -> str:
    hexed = f"concat(leftPad(lower(hex({h1})), 16, '0'), leftPad(lower(hex({h2})), 16, '0'))"
    return (f"toUUID(concat(substring({hexed}, 1, 8), '-', substring({hexed}, 9, 4), '-', substring({hexed}, 13, 4), '-', "
            f"substring({hexed}, 17, 4), '-', substring({hexed}, 21, 12)))")


def scrape_request_log_events(w: World) -> str:
    """One event per request the scrape API received (its first, PENDING row)."""
    r = w.r
    source = ("multiIf(flow = 'refresh_post_by_shortcode', 'sync_insta_collection_posts', "
              "flow = 'refresh_profile_by_handle', 'refresh_account_tracker_stats', 'sync_yt_channels')")
    return f"""
INSERT INTO _e.scrape_request_log_events (event_id, flow, platform, params, source, event_timestamp)
SELECT {_uuid(r.h('ev.a', 'id'), r.h('ev.b', 'id'))}, flow, platform, params, {source},
       toDateTime64(created_at, 3) + toIntervalMillisecond({r.int(0, 999, 'ev.ms', 'id')})
FROM beat.scrape_request_log
WHERE status = 'PENDING'"""
