"""INSERT ... SELECT statements for beat's YouTube tables and vidooly's estimates."""

from __future__ import annotations

from stir.generate import vocab
from stir.generate.tables_instagram import DAY, audience_sql
from stir.generate.world import World


def _owners(w: World, extra: str = "") -> str:
    """One row per channel owner (creator index i)."""
    return f"""(
        SELECT {w.channel_owner('number')} AS i {extra}
        FROM numbers({w.channel_count})
    )"""


def youtube_channel(w: World) -> str:
    r = w.r
    return f"""
INSERT INTO beat.youtube_channel
    (id, channel_id, title, handle, description, category, country, language, subscribers, views,
     video_count, thumbnail_url, published_at, created_at, updated_at)
SELECT
    i * 4 + s,
    {w.channel_id('i')},
    concat({w.full_name('i')}, ' ', {r.pick(('Vlogs', 'Official', 'TV', 'Kitchen', 'Tech', 'Shorts', ''), 'yt.title', 'i')}),
    if({r.chance(0.1, 'yt.nohandle', 'i')}, NULL,
       concat(if({r.chance(0.8, 'yt.at', 'i')}, '@', ''), {w.handle('i')})),
    if({r.chance(0.2, 'yt.nodesc', 'i')}, NULL, {r.pick(vocab.CAPTIONS, 'yt.desc', 'i')}),
    if({r.chance(0.8, 'yt.samecat', 'i')}, {w.category('i')}, {r.weighted(vocab.CATEGORIES, 'yt.cat', 'i')}),
    {w.country('i')},
    {w.language('i')},
    -- 5 % of channels hide their subscriber count
    if({r.chance(0.05, 'yt.hidden', 'i')}, NULL, toInt64(_subs * (1 - 0.01 * (_n - 1 - s)))),
    toInt64(_subs * (50 + 350 * {r.u('yt.views', 'i')})),
    toInt64({w.video_count('i')} + {r.int(0, 200, 'yt.vc', 'i')}),
    concat('channels/', {w.channel_id('i')}, '.jpg'),
    {w.ago(f'{w.span} + ' + r.seconds_back(str(8 * 365 * DAY), 'yt.pub', 'i'))},
    {w.ago(f'{w.span} + ' + r.seconds_back(str(90 * DAY), 'yt.created', 'i'))},
    {w.A} - toIntervalSecond({r.seconds_back(str(DAY), 'yt.last', 'i', power=2.0)} + (_n - 1 - s) * {r.int(DAY, 10 * DAY, 'yt.gap', 'i')})
FROM {_owners(w, f", {w.subscribers('i')} AS _subs, 1 + {r.chance(0.5, 'yt.s2', 'i')} AS _n")}
ARRAY JOIN range(_n) AS s"""


def youtube_video(w: World) -> str:
    r = w.r
    scrapes = f"1 + {r.chance(0.4, 'v.s2', 'i', 'v')} + {r.chance(0.15, 'v.s3', 'i', 'v')}"
    grow = "(0.5 + 0.5 * (s + 1) / _scrapes)"
    return f"""
INSERT INTO beat.youtube_video
    (id, video_id, channel_id, title, tags, views, likes, comments, duration_seconds, is_short,
     thumbnail_url, publish_time, created_at, updated_at)
SELECT
    (toUInt64(i) * 64 + v) * 4 + s,
    _video_id,
    {w.channel_id('i')},
    concat({r.pick(vocab.CAPTIONS, 'v.title', 'i', 'v')}, ' | ', {r.pick(vocab.HASHTAGS, 'v.topic', 'i', 'v')}),
    arrayMap(_tk -> {r.pick(vocab.HASHTAGS, 'v.tag', 'i', 'v', '_tk')}, range({r.int(0, 8, 'v.ntags', 'i', 'v')})),
    if({r.chance(0.01, 'v.nullviews', 'i', 'v', 's')}, NULL, toInt64(_views * {grow})),
    if({r.chance(0.03, 'v.hidelikes', 'i', 'v')}, NULL, toInt64(_views * {grow} * (0.02 + 0.04 * {r.u('v.lr', 'i', 'v')}))),
    toInt64(_views * {grow} * (0.001 + 0.004 * {r.u('v.cr', 'i', 'v')})),
    toInt32(if(_short, {r.int(15, 60, 'v.dur', 'i', 'v')}, {r.int(120, 3600, 'v.dur', 'i', 'v')})),
    _short,
    concat('thumbs/', _video_id, '.jpg'),
    _publish,
    _publish + toIntervalSecond(toInt64(_age * 0.1 * {r.u('v.t', 'i', 'v', '0')} / _scrapes)),
    {w.A} - toIntervalSecond(toInt64(_age * (1 - (s + 0.2 + 0.8 * {r.u('v.t', 'i', 'v', 's')}) / _scrapes)))
FROM (
    SELECT i, v, _scrapes, least(s_dup, _scrapes - 1) AS s,
           {w.video_id('i', 'v')} AS _video_id,
           {w.is_short('i', 'v')} AS _short,
           {w.video_publish_time('i', 'v')} AS _publish,
           dateDiff('second', _publish, {w.A}) AS _age,
           toInt64(_subs * (0.02 + 0.5 * pow({r.u('v.views', 'i', 'v')}, 2)) * if(_short, 2.0, 1.0)) AS _views
    FROM (
        SELECT i, _subs, v, {scrapes} AS _scrapes, {r.chance(0.02, 'v.dup', 'i', 'v')} AS _dup
        FROM {_owners(w, f", {w.subscribers('i')} AS _subs")}
        ARRAY JOIN range({w.video_count('i')}) AS v
    )
    ARRAY JOIN range(_scrapes + _dup) AS s_dup
)"""


def youtube_channel_time_series(w: World) -> str:
    r = w.r
    weeks = w.days // 7 + 1
    delay = (f"if({r.chance(0.05, 'yts.late', 'i', 'wk')}, {r.int(2 * DAY, 9 * DAY, 'yts.delay', 'i', 'wk')}, "
             f"{r.int(600, 20 * 3600, 'yts.delay', 'i', 'wk')})")
    return f"""
INSERT INTO beat.youtube_channel_time_series (channel_id, date, subscribers, views, video_count, created_at)
SELECT
    {w.channel_id('i')},
    _date,
    toInt64(_subs * (1 - _growth * least(1.0, _ago / {w.span}))),
    toInt64(_subs * 200 * (1 - 0.8 * least(1.0, _ago / {w.span}))),
    toInt64(greatest(1, {w.video_count('i')} + 100 - intDiv(wk, 2))),
    least({w.A}, toDateTime(_date, 'UTC') + toIntervalSecond({delay}))
FROM (
    SELECT i, wk, _subs, _growth, toDate({w.A}) - toIntervalDay(wk * 7 + i % 7) AS _date,
           dateDiff('second', toDateTime(_date, 'UTC'), {w.A}) AS _ago
    FROM {_owners(w, f", {w.subscribers('i')} AS _subs, {w.growth('i')} AS _growth")}
    ARRAY JOIN range({weeks}) AS wk
    ARRAY JOIN range(1 + {r.chance(0.02, 'yts.dup', 'i', 'wk')}) AS copy
    WHERE NOT {r.chance(0.1, 'yts.gap', 'i', 'wk')}
)
WHERE _date >= toDate({w.A}) - toIntervalDay({w.days})"""


def youtube_audience(w: World) -> str:
    source = f"({w.has_channel('i')} AND {w.r.chance(0.5, 'yt.audience', 'i')})"
    return audience_sql(w, "beat.youtube_audience (channel_id, dimension, key, share, updated_at)",
                     w.channel_id("i"), source, ("gender", "age", "country"))


def vidooly_channel_stats(w: World) -> str:
    r = w.r
    months = min(18, w.days // 30)
    return f"""
INSERT INTO vidooly.youtube_channel_stats
    (channel_id, month, est_monthly_views, est_monthly_earning_low, est_monthly_earning_high, subscriber_rank, updated_at)
SELECT
    {w.channel_id('i')},
    toStartOfMonth(toDate({w.A})) - toIntervalMonth(m) AS _month,
    if({r.chance(0.04, 'vid.null', 'i', 'm')}, NULL, _v),
    round(_v / 1000 * 0.25, 2),
    round(_v / 1000 * 2.0, 2),
    toInt64(1 + {r.h('vid.rank', 'i', 'm')} % 1000000),
    least({w.A}, toDateTime(_month, 'UTC') + toIntervalDay(32 + v) + toIntervalSecond({r.int(0, DAY, 'vid.at', 'i', 'm')}))
FROM (
    SELECT i, m, v, toInt64({w.subscribers('i')} * (2 + 10 * {r.u('vid.views', 'i', 'm')})) AS _v
    FROM (SELECT {w.channel_owner('number')} AS i FROM numbers({w.channel_count}))
    ARRAY JOIN range({months}) AS m
    ARRAY JOIN range(1 + {r.chance(0.1, 'vid.v2', 'i', 'm')}) AS v
    WHERE {r.chance(0.5, 'vid.has', 'i')}
)"""
