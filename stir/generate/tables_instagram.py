"""INSERT ... SELECT statements for beat's Instagram tables (see world.py for shapes)."""

from __future__ import annotations

from stir.generate import vocab
from stir.generate.sqlexpr import arr, lit
from stir.generate.world import World

DAY = 86400


def instagram_account(w: World) -> str:
    r = w.r
    scrapes = f"1 + {r.chance(0.5, 'acc.s2', 'i')} + {r.chance(0.2, 'acc.s3', 'i')}"
    # Latest scrape is recent (skewed to the last hours); older ones 1-20 days apart.
    last_ago = r.seconds_back(str(3 * DAY), "acc.last", "i", power=3.0)
    gap = r.int(DAY, 20 * DAY, "acc.gap", "i", "s")
    link = r.u("acc.link", "i")
    hv = r.u("acc.handle", "i", "s")
    return f"""
INSERT INTO beat.instagram_account
    (id, profile_id, handle, full_name, biography, category, country, city, language, gender,
     account_type, followers, following, media_count, is_verified, is_private, profile_pic_url,
     external_url, created_at, updated_at)
SELECT
    i * 4 + s AS id,
    {w.profile_id('i')},
    multiIf({hv} < 0.08, concat('@', _handle), {hv} < 0.18, concat(upper(substring(_handle, 1, 1)), substring(_handle, 2)),
            {hv} < 0.21, concat(' ', _handle, ' '), _handle),
    {w.full_name('i')},
    if({r.chance(0.1, 'acc.bio', 'i')}, NULL,
       concat({r.pick(vocab.CAPTIONS, 'acc.bio.t', 'i')}, ' | ', _category, ' creator')),
    _category,
    if({r.chance(0.02, 'acc.country.null', 'i')}, NULL, _country),
    nullIf({w.city('i')}, ''),
    {w.language('i')},
    nullIf({r.weighted(vocab.GENDERS, 'acc.gender', 'i')}, ''),
    {r.weighted(vocab.ACCOUNT_TYPES, 'acc.type', 'i')},
    -- a scrape that missed the counter (staging keeps the last known value)
    if(s < _scrapes - 1 and {r.chance(0.05, 'acc.f.null', 'i', 's')}, NULL, {w.followers_at('i', '_ago')}),
    {w.following('i')},
    toInt64({w.post_count('i')} + {r.int(0, 400, 'acc.media', 'i')}),
    if(_followers > 1000000, {r.chance(0.7, 'acc.ver', 'i')}, {r.chance(0.01, 'acc.ver', 'i')}),
    {r.chance(0.02, 'acc.private', 'i')},
    concat('avatars/', {w.profile_id('i')}, '.jpg'),
    multiIf({link} < 0.15, concat('https://linktr.ee/', _handle, '?utm_source=ig_profile&utm_medium=bio'),
            {link} < 0.30, concat('https://shop.example.com/', _handle, '?igshid=', toString({r.h('acc.igshid', 'i')}), '&ref=bio'),
            {link} < 0.40, concat('https://www.youtube.com/@', _handle),
            NULL),
    {w.ago(f'{w.span} + ' + r.seconds_back(str(365 * DAY), 'acc.created', 'i'))},
    {w.A} - toIntervalSecond(_ago)
FROM (
    SELECT i, s, _scrapes, _followers, _handle, _category, _country,
           {last_ago} + (_scrapes - 1 - s) * {gap} AS _ago
    FROM (
        SELECT number AS i, {scrapes} AS _scrapes, {w.followers('i')} AS _followers,
               {w.handle('i')} AS _handle, {w.category('i')} AS _category, {w.country('i')} AS _country
        FROM numbers({w.creators})
    )
    ARRAY JOIN range(_scrapes) AS s
)"""


def instagram_post(w: World) -> list[str]:
    """Per creator, then per post (attributes drawn once), then per scrape row; one
    statement per publish month (the table's partition): each INSERT writes whole parts
    into one partition instead of slicing every block into ~20 small parts, which made
    background merges grow faster than the data (1M creators: 279 s for this table)."""
    return [_instagram_post(w, cond) for cond in w.publish_month_filters("_publish")]


def _instagram_post(w: World, publish_filter: str) -> str:
    r = w.r
    scrapes = f"1 + {r.chance(0.35, 'post.s2', 'i', 'j')} + {r.chance(0.10, 'post.s3', 'i', 'j')}"
    dup = r.chance(0.03, "post.dup", "i", "j")
    # Scrape s happens in [(s + 0.2)/S, (s + 1)/S) of the post's age: strictly increasing.
    scrape_ago = f"toInt64(_age * (1 - (s + 0.2 + 0.8 * {r.u('post.t', 'i', 'j', 's')}) / _scrapes))"
    grow = "(0.55 + 0.45 * (s + 1) / _scrapes)"
    base = "(_pf * _post_er / 100.0)"
    tags_sql, caption_sql = w.post_texts("post.text", "i", "j")
    n_mentions = r.int(0, 2, "post.nment", "i", "j")
    mention = w.handle(w.random_creator("post.mention", "i", "j", "_mk"))
    return f"""
INSERT INTO beat.instagram_post
    (id, shortcode, profile_id, post_type, caption, hashtags, mentions, likes, comments, views, plays,
     reach, impressions, saves, shares, profile_follower, profile_er, thumbnail_url, is_sponsored,
     publish_time, created_at, updated_at)
SELECT
    {w.post_index('i', 'j')} * 4 + s AS id,
    _shortcode,
    _profile_id,
    _type,
    _caption,
    _tags,
    _mentions,
    -- stories have no public likes; a few posts hide them (staging turns NULL into 0)
    if(_type = 'story' or _hidden, NULL, toInt64(round({base} * 0.94 * {grow}))),
    if(_type = 'story', NULL, toInt64(round({base} * 0.06 * {grow}))),
    multiIf(_type = 'reels', toInt64(round({base} * _plays_x * {grow} * 0.7)),
            _type = 'story', toInt64(round(_pf * _story_x * {grow})), NULL),
    if(_type = 'reels', toInt64(round({base} * _plays_x * {grow})), NULL),
    if(_insights, toInt64(round(_pf * _reach_x * {grow})), NULL),
    if(_insights, toInt64(round(_pf * _reach_x * 1.5 * {grow})), NULL),
    if(_insights, toInt64(round({base} * 0.08 * {grow})), NULL),
    if(_insights, toInt64(round({base} * 0.03 * {grow})), NULL),
    _pf,
    round(_er, 4),
    concat('thumbs/', _shortcode, '.jpg'),
    _sponsored,
    _publish,
    _publish + toIntervalSecond(toInt64(_age * 0.2 / _scrapes)),
    {w.A} - toIntervalSecond(_scrape_ago)
FROM (
    SELECT *, least(s_dup, _scrapes - 1) AS s,
           {scrape_ago} AS _scrape_ago,
           {w.followers_at_from('_followers', '_growth', '_scrape_ago')} AS _pf
    FROM (
        SELECT i, j, _er, _insights, _followers, _growth, _profile_id, _scrapes, _dup, _publish,
               {w.shortcode('i', 'j')} AS _shortcode,
               {w.post_type('i', 'j')} AS _type,
               dateDiff('second', _publish, {w.A}) AS _age,
               {tags_sql} AS _tags,
               {caption_sql} AS _caption,
               arrayMap(_mk -> concat('@', {mention}), range({n_mentions})) AS _mentions,
               _er * exp(0.4 * {r.normal('post.er', 'i', 'j')}) AS _post_er,
               8 + 30 * {r.u('post.plays', 'i', 'j')} AS _plays_x,
               0.03 + 0.09 * {r.u('post.sv', 'i', 'j')} AS _story_x,
               0.2 + 0.6 * {r.u('post.reach', 'i', 'j')} AS _reach_x,
               {r.chance(0.02, 'post.hidden', 'i', 'j')} AS _hidden,
               has(_tags, 'Ad') or has(_tags, 'Sponsored') or {r.chance(0.05, 'post.spons', 'i', 'j')} AS _sponsored
        FROM (
            SELECT i, j, _er, _insights, _followers, _growth, _profile_id, {scrapes} AS _scrapes, {dup} AS _dup,
                   {w.publish_time('i', 'j')} AS _publish
            FROM (
                SELECT number AS i, {w.er('i')} AS _er, {w.has_insights('i')} AS _insights,
                       {w.followers('i')} AS _followers, {w.growth('i')} AS _growth,
                       {w.profile_id('i')} AS _profile_id
                FROM numbers_mt({w.creators})
            )
            ARRAY JOIN range({w.post_count('i')}) AS j
            WHERE {publish_filter}
        )
    )
    ARRAY JOIN range(_scrapes + _dup) AS s_dup
)"""


def instagram_account_time_series(w: World) -> str:
    """Weekly snapshots, staggered by weekday so every day has fresh rows; ~12 % of
    weeks missing, 5 % written days late, 2 % written twice."""
    r = w.r
    weeks = w.days // 7 + 1
    late = r.chance(0.05, "ts.late", "i", "wk")
    delay = f"if({late}, {r.int(2 * DAY, 9 * DAY, 'ts.delay', 'i', 'wk')}, {r.int(600, 20 * 3600, 'ts.delay', 'i', 'wk')})"
    return f"""
INSERT INTO beat.instagram_account_time_series (profile_id, date, followers, following, media_count, created_at)
SELECT
    {w.profile_id('i')},
    _date,
    toInt64(round({w.followers_at_from('_followers', '_growth', '_ago')} * (1 + 0.004 * {r.normal('ts.noise', 'i', 'wk')}))),
    {w.following('i')} + toInt64(wk % 7),
    toInt64(greatest(0, _posts + 300 - wk * 2)),
    least({w.A}, toDateTime(_date, 'UTC') + toIntervalSecond({delay}))
FROM (
    SELECT i, wk, _followers, _growth, _posts, toDate({w.A}) - toIntervalDay(wk * 7 + i % 7) AS _date,
           dateDiff('second', toDateTime(_date, 'UTC'), {w.A}) AS _ago
    FROM (SELECT number AS i, {w.followers('i')} AS _followers, {w.growth('i')} AS _growth, {w.post_count('i')} AS _posts
          FROM numbers_mt({w.creators}))
    ARRAY JOIN range({weeks}) AS wk
    ARRAY JOIN range(1 + {r.chance(0.02, 'ts.dup', 'i', 'wk')}) AS copy
    WHERE NOT {r.chance(0.12, 'ts.gap', 'i', 'wk')}
)
WHERE _date >= toDate({w.A}) - toIntervalDay({w.days})"""


def instagram_profile_insights(w: World) -> str:
    r = w.r
    return f"""
INSERT INTO beat.instagram_profile_insights
    (profile_id, date, reach, impressions, profile_views, website_clicks, reels_reach, image_reach,
     story_reach, reels_impressions, image_impressions, updated_at)
SELECT
    {w.profile_id('i')},
    toDate({w.A}) - toIntervalDay(d + 1) AS _date,
    if({r.chance(0.03, 'ins.null', 'i', 'd')}, NULL, toInt64(_f * (0.1 + 0.5 * {r.u('ins.reach', 'i', 'd')}))),
    toInt64(_f * (0.2 + 1.0 * {r.u('ins.impr', 'i', 'd')})),
    if({r.chance(0.05, 'ins.pv', 'i', 'd')}, NULL, toInt64(_f * 0.01 * {r.u('ins.pv', 'i', 'd')})),
    toInt64(_f * 0.002 * {r.u('ins.wc', 'i', 'd')}),
    if({r.chance(0.3, 'ins.noreels', 'i', 'd')}, NULL, toInt64(_f * (0.1 + 0.4 * {r.u('ins.rr', 'i', 'd')}))),
    toInt64(_f * (0.05 + 0.2 * {r.u('ins.ir', 'i', 'd')})),
    if({r.chance(0.5, 'ins.nostory', 'i', 'd')}, NULL, toInt64(_f * (0.02 + 0.1 * {r.u('ins.sr', 'i', 'd')}))),
    if({r.chance(0.3, 'ins.noreels', 'i', 'd')}, NULL, toInt64(_f * (0.15 + 0.5 * {r.u('ins.ri', 'i', 'd')}))),
    toInt64(_f * (0.08 + 0.3 * {r.u('ins.ii', 'i', 'd')})),
    least({w.A}, toDateTime(_date + 1, 'UTC') + toIntervalSecond({r.int(0, 6 * 3600, 'ins.at', 'i', 'd')} + v * 3600))
FROM (
    SELECT i, _f, d, v
    FROM (SELECT number AS i, {w.followers('i')} AS _f FROM numbers({w.creators}) WHERE {w.has_insights('i')})
    ARRAY JOIN range(60) AS d
    ARRAY JOIN range(1 + {r.chance(0.1, 'ins.v2', 'i', 'd')}) AS v
)"""


_AGE_BUCKETS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
_AUDIENCE_COUNTRIES = ("IN", "US", "AE", "GB", "BD", "PK", "ID", "SA", "CA", "NP")
_AUDIENCE_CITIES = ("Mumbai", "Delhi", "Bengaluru", "Hyderabad", "Chennai", "Kolkata", "Pune", "Jaipur",
                    "Dubai", "London", "Lucknow", "Patna")
_AUDIENCE_LANGUAGES = ("hi", "en", "ta", "te", "bn", "mr", "kn", "ml", "gu", "pa")


def audience_sql(w: World, table: str, id_expr: str, source: str, dimensions: tuple[str, ...]) -> str:
    """Distributions with shares that sum to 1 per (entity, dimension, snapshot). 25 %
    of entities also have an older snapshot with other keys (staging keeps the latest)."""
    r = w.r
    keys = {
        "gender": ("MALE", "FEMALE"),
        "age": _AGE_BUCKETS,
        "country": _AUDIENCE_COUNTRIES,
        "city": _AUDIENCE_CITIES,
        "language": _AUDIENCE_LANGUAGES,
    }
    blocks = []
    for dim in dimensions:
        options = keys[dim]
        take = len(options) if dim in ("gender", "age") else 5
        # Take `take` distinct keys: a seeded rotation of the option list.
        keys_sql = (f"arraySlice(arrayConcat({arr(options)}, {arr(options)}), "
                    f"1 + {r.h(f'aud.rot.{dim}', 'i', 'snap')} % {len(options)}, {take})")
        blocks.append(f"({lit(dim)}, {keys_sql})")
    dims_sql = "[" + ", ".join(blocks) + "]"
    weight = f"(0.05 + pow({r.u('aud.w', 'i', 'snap', 'dim.1', 'key')}, 2))"
    return f"""
INSERT INTO {table}
SELECT {id_expr}, dim.1, key, _weight / sum(_weight) OVER (PARTITION BY i, snap, dim.1), _at
FROM (
    SELECT i, snap, dim, key, {weight} AS _weight,
           {w.A} - toIntervalSecond({r.seconds_back(str(20 * DAY), 'aud.at', 'i')} + snap * {60 * DAY}) AS _at
    FROM (SELECT number AS i FROM numbers({w.creators}) WHERE {source})
    ARRAY JOIN range(1 + {r.chance(0.25, 'aud.old', 'i')}) AS snap
    ARRAY JOIN {dims_sql} AS dim
    ARRAY JOIN dim.2 AS key
)"""


def instagram_audience(w: World) -> str:
    return audience_sql(w, "beat.instagram_audience (profile_id, dimension, key, share, updated_at)",
                     w.profile_id("i"), w.has_audience("i"), ("gender", "age", "country", "city", "language"))


def instagram_audience_quality(w: World) -> str:
    r = w.r
    return f"""
INSERT INTO beat.instagram_audience_quality (profile_id, audience_reachability, audience_authenticity, notable_followers, updated_at)
SELECT
    {w.profile_id('i')},
    if(v = 0 and {r.chance(0.1, 'aq.null', 'i')}, NULL, round(40 + 50 * {r.u('aq.reach', 'i', 'v')}, 2)),
    round(55 + 43 * {r.u('aq.auth', 'i', 'v')}, 2),
    if({r.chance(0.1, 'aq.nf', 'i', 'v')}, NULL, toInt64(floor(pow({r.u('aq.nfv', 'i', 'v')}, 3) * 200))),
    {w.A} - toIntervalSecond({r.seconds_back(str(25 * DAY), 'aq.at', 'i')} + (_n - 1 - v) * {30 * DAY})
FROM (
    SELECT number AS i, 1 + {r.chance(0.3, 'aq.v2', 'i')} AS _n
    FROM numbers({w.creators}) WHERE {w.has_audience('i')}
)
ARRAY JOIN range(_n) AS v"""


def instagram_hashtag(w: World) -> str:
    """Every vocabulary hashtag, scraped 1-4 times, written with varying case and '#'."""
    r = w.r
    return f"""
INSERT INTO beat.instagram_hashtag (hashtag, posts_count, updated_at)
SELECT
    {w.hashtag_variant('_tag', 'tag.case', 'i', 's')},
    if({r.chance(0.03, 'tag.null', 'i', 's')}, NULL, toInt64(floor(1000 * pow(1 - {r.u('tag.n', 'i')}, -1.3) * (1 + 0.01 * s)))),
    {w.A} - toIntervalSecond({r.seconds_back(str(2 * DAY), 'tag.at', 'i', power=2.0)} + (_n - 1 - s) * {3 * DAY})
FROM (
    SELECT number AS i, {arr(vocab.HASHTAGS)}[i + 1] AS _tag, {r.int(1, 4, 'tag.scrapes', 'i')} AS _n
    FROM numbers({len(vocab.HASHTAGS)})
)
ARRAY JOIN range(_n) AS s"""


def profile_link(w: World) -> str:
    """Every channel owner linked (BIO/YT_ABOUT/MANUAL); 4 % of them unlinked later
    (a newer row with channel_id NULL); 3 % of creators without a channel have a
    dangling, never-linked row."""
    r = w.r
    hv = r.u("link.handle", "i", "v")
    return f"""
INSERT INTO beat.profile_link (handle, profile_id, channel_id, category, source, updated_at)
SELECT
    multiIf({hv} < 0.1, concat('@', _handle), {hv} < 0.2, upper(_handle), _handle),
    {w.profile_id('i')},
    if(_linked and v = 0, {w.channel_id('i')}, NULL),
    {w.category('i')},
    {r.weighted((('BIO', 60), ('YT_ABOUT', 30), ('MANUAL', 10)), 'link.src', 'i')},
    {w.A} - toIntervalSecond({r.seconds_back(str(30 * DAY), 'link.at', 'i', power=2.0)} + (_n - 1 - v) * {5 * DAY})
FROM (
    SELECT number AS i, {w.handle('i')} AS _handle, {w.has_channel('i')} AS _linked,
           if(_linked, 1 + {r.chance(0.04, 'link.unlink', 'i')}, 1) AS _n
    FROM numbers({w.creators})
    WHERE _linked OR {r.chance(0.03, 'link.dangling', 'i')}
)
ARRAY JOIN range(_n) AS v"""
