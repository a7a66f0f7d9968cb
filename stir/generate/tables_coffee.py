"""INSERT ... SELECT statements for the coffee (SaaS app) replica.

Ids are structured so children can be enumerated without joins: brand b (1..B) owns
users b*8+k, campaigns b*8+k, collections b*16+k, orders b*16+k ...; collection c owns
items c*64+k. Every foreign key therefore points at a row that exists. Rows updated in
the app appear in several versions (later updated_at); soft deletes are a newer
version with deleted = 1.
"""

from __future__ import annotations

from stir.generate import vocab
from stir.generate.tables_instagram import DAY
from stir.generate.world import World

PLATFORMS = (("INSTAGRAM", 85), ("YOUTUBE", 15))


def _brands(w: World) -> str:
    return f"(SELECT number + 1 AS b FROM numbers({w.brands}))"


def n_users(w: World, b: str) -> str:
    return w.r.int(1, 5, "users", b)


def n_campaigns(w: World, b: str) -> str:
    return w.r.int(1, 6, "campaigns", b)


def n_collections(w: World, b: str) -> str:
    return w.r.int(3, 15, "collections", b)


def is_post_collection(w: World, c: str) -> str:
    return w.r.chance(0.6, "collection.type", c)


def brand_created(w: World, b: str) -> str:
    return w.ago(w.r.seconds_back(str(w.span), "brand.created", b))


def recent(w: World, salt: str, *coords: str, days: int = 30) -> str:
    """A time in the last `days`, skewed towards now (how app rows get touched)."""
    return w.ago(w.r.seconds_back(str(days * DAY), salt, *coords, power=3.0))


def versioned(w: World, created: str, salt: str, *coords: str) -> str:
    """updated_at of version v of n: the first at creation, later ones recently."""
    return f"if(v = 0, {created}, greatest({created}, {recent(w, salt, *coords, 'v')}) + toIntervalSecond(v))"


def brand(w: World) -> str:
    r = w.r
    return f"""
INSERT INTO coffee.brand (id, name, industry, country, plan, created_at, updated_at, deleted)
SELECT
    b,
    concat({r.pick(vocab.BRAND_WORDS_A, 'brand.a', 'b')}, ' ', {r.pick(vocab.BRAND_WORDS_B, 'brand.b', 'b')},
           if({r.chance(0.1, 'brand.ws', 'b')}, ' ', ''), ' #', toString(b)),
    if({r.chance(0.1, 'brand.ind', 'b')}, NULL, {r.pick(vocab.INDUSTRIES, 'brand.industry', 'b')}),
    if({r.chance(0.2, 'brand.lc', 'b')}, lower({r.weighted(vocab.COUNTRIES, 'brand.country', 'b')}),
       {r.weighted(vocab.COUNTRIES, 'brand.country', 'b')}),
    if(v = _n - 1, {r.weighted(vocab.PLANS, 'brand.plan', 'b')}, 'FREE'),
    _created,
    {versioned(w, '_created', 'brand.upd', 'b')},
    0
FROM (SELECT b, {brand_created(w, 'b')} AS _created, 1 + {r.chance(0.5, 'brand.v2', 'b')} AS _n FROM {_brands(w)})
ARRAY JOIN range(_n) AS v"""


def user(w: World) -> str:
    r = w.r
    return f"""
INSERT INTO coffee.user (id, brand_id, role, email_domain, created_at, last_login_at, updated_at, deleted)
SELECT
    u, b,
    if(k = 0, 'OWNER', {r.weighted((('ADMIN', 30), ('MEMBER', 70)), 'user.role', 'u')}),
    if({r.chance(0.05, 'user.nodomain', 'u')}, NULL,
       if({r.chance(0.1, 'user.case', 'u')}, upper({r.pick(vocab.EMAIL_DOMAINS, 'user.domain', 'u')}),
          {r.pick(vocab.EMAIL_DOMAINS, 'user.domain', 'u')})),
    _created,
    if({r.chance(0.1, 'user.nologin', 'u')}, NULL, {recent(w, 'user.login', 'u', days=60)}),
    {versioned(w, '_created', 'user.upd', 'u')},
    v = 1 AND {r.chance(0.6, 'user.del', 'u')}
FROM (
    SELECT b, k, b * 8 + k AS u,
           {brand_created(w, 'b')} + toIntervalSecond({r.int(0, 30 * DAY, 'user.created', 'b', 'k')}) AS _created_raw,
           least({w.A}, _created_raw) AS _created,
           1 + {r.chance(0.05, 'user.v2', 'b', 'k')} AS _n
    FROM {_brands(w)} ARRAY JOIN range({n_users(w, 'b')}) AS k
)
ARRAY JOIN range(_n) AS v"""


def campaign(w: World) -> str:
    r = w.r
    n_tags = r.int(1, 3, "camp.ntags", "c")
    return f"""
INSERT INTO coffee.campaign
    (id, brand_id, name, status, start_date, end_date, budget, currency, hashtags, created_at, updated_at, deleted)
SELECT
    c, b,
    concat({r.pick(('Summer', 'Diwali', 'Launch', 'Always-on', 'Holiday', 'Back to School', 'Ramadan'), 'camp.name', 'c')},
           ' campaign ', toString(c)),
    if(v = _n - 1, {r.weighted((('DRAFT', 10), ('LIVE', 35), ('COMPLETED', 45), ('CANCELLED', 10)), 'camp.status', 'c')}, 'DRAFT'),
    toDate(_created) + toIntervalDay({r.int(0, 14, 'camp.start', 'c')}),
    if({r.chance(0.3, 'camp.noend', 'c')}, NULL, toDate(_created) + toIntervalDay({r.int(15, 90, 'camp.end', 'c')})),
    if({r.chance(0.1, 'camp.nobudget', 'c')}, NULL, round(10000 + 990000 * pow({r.u('camp.budget', 'c')}, 2), 2)),
    {r.weighted(vocab.CURRENCIES, 'camp.cur', 'c')},
    {w.hashtags(n_tags, 'camp.tags', 'c')},
    _created,
    {versioned(w, '_created', 'camp.upd', 'c')},
    0
FROM (
    SELECT b, b * 8 + k AS c,
           least({w.A}, {brand_created(w, 'b')} + toIntervalSecond({r.int(0, 120 * DAY, 'camp.created', 'b', 'k')})) AS _created,
           1 + {r.chance(0.6, 'camp.v2', 'b', 'k')} AS _n
    FROM {_brands(w)} ARRAY JOIN range({n_campaigns(w, 'b')}) AS k
)
ARRAY JOIN range(_n) AS v"""


def _collections(w: World, where: str = "1") -> str:
    r = w.r
    return f"""(
        SELECT b, c, _created, _campaign_id
        FROM (
            SELECT b, b * 16 + k AS c,
                   least({w.A}, {brand_created(w, 'b')} + toIntervalSecond({r.int(0, 200 * DAY, 'col.created', 'b', 'k')})) AS _created,
                   if({r.chance(0.4, 'col.camp', 'b', 'k')}, b * 8 + {r.h('col.campid', 'b', 'k')} % {n_campaigns(w, 'b')}, NULL)
                       AS _campaign_id
            FROM {_brands(w)} ARRAY JOIN range({n_collections(w, 'b')}) AS k
        )
        WHERE {where}
    )"""


def collection(w: World) -> str:
    r = w.r
    return f"""
INSERT INTO coffee.collection (id, brand_id, name, type, campaign_id, created_by, created_at, updated_at, deleted)
SELECT
    c, b,
    concat(if(v = 0, 'Untitled', {r.pick(('Shortlist', 'Q3 picks', 'Campaign posts', 'Top reels', 'Mumbai foodies', 'UGC'), 'col.name', 'c')}),
           ' ', toString(c)),
    if({is_post_collection(w, 'c')}, 'POST', 'PROFILE'),
    _campaign_id,
    b * 8 + {r.h('col.by', 'c')} % {n_users(w, 'b')},
    _created,
    {versioned(w, '_created', 'col.upd', 'c')},
    0
FROM (SELECT *, 1 + {r.chance(0.5, 'col.v2', 'c')} AS _n FROM {_collections(w)})
ARRAY JOIN range(_n) AS v"""


def post_items(w: World) -> str:
    """(item id, collection, brand, platform, post coordinates) of every post item, for
    the items table and for scrape requests about collected posts."""
    r = w.r
    pi, pj = w.random_post("item.post", "item")
    vi, vv = w.random_video("item.video", "item")
    return f"""(
        SELECT item, c, b, _col_created, _platform,
               if(_platform = 'INSTAGRAM', {pi}, {vi}) AS _i,
               if(_platform = 'INSTAGRAM', {pj}, {vv}) AS _j
        FROM (
            SELECT c, b, _created AS _col_created, c * 64 + k AS item,
                   if({w.channel_count} > 0, {r.weighted(PLATFORMS, 'item.platform', 'c', 'k')}, 'INSTAGRAM') AS _platform
            FROM {_collections(w, is_post_collection(w, 'c'))}
            ARRAY JOIN range({r.int(5, 60, 'col.items', 'c')}) AS k
        )
    )"""


def post_collection_item(w: World) -> str:
    r = w.r
    shortcode = w.shortcode("_i", "_j")
    video_id = w.video_id("_i", "_j")
    junk = r.u("item.junk", "item")
    return f"""
INSERT INTO coffee.post_collection_item
    (id, collection_id, platform, short_code, post_type, post_url, created_at, updated_at, deleted)
SELECT
    item, c, _platform,
    if(_platform = 'INSTAGRAM',
       multiIf({junk} < 0.05, concat('https://www.instagram.com/p/', _code, '/?igshid=', toString({r.h('item.igshid', 'item')} % 100000000)),
               {junk} < 0.07, concat('https://www.instagram.com/reel/', _code, '/'),
               {junk} < 0.08, toString({r.h('item.num', 'item')} % 10000000000),
               {junk} < 0.09, concat(' ', _code, '/'),
               _code),
       multiIf({junk} < 0.10, concat('https://youtu.be/', _code),
               {junk} < 0.15, concat('https://www.youtube.com/watch?v=', _code, '&t=42s'),
               _code)),
    if({r.chance(0.05, 'item.notype', 'item')}, NULL,
       if(_platform = 'INSTAGRAM', {w.post_type('_i', '_j')}, if({w.is_short('_i', '_j')}, 'short', 'video'))),
    if(_platform = 'INSTAGRAM',
       concat('https://www.instagram.com/p/', _code, '/?utm_source=ig_web_copy_link&igsh=', toString({r.h('item.igsh', 'item')} % 1000000)),
       concat('https://www.youtube.com/watch?v=', _code, '&si=', toString({r.h('item.si', 'item')} % 1000000))),
    _created,
    if(v = 0, _created, greatest(_created, {recent(w, 'item.upd', 'item', days=20)})),
    v = 1
FROM (
    SELECT item, c, _platform, _i, _j, if(_platform = 'INSTAGRAM', {shortcode}, {video_id}) AS _code,
           -- added some time after it was published (and after the collection existed)
           least({w.A}, greatest(_col_created,
                 if(_platform = 'INSTAGRAM', {w.publish_time('_i', '_j')}, {w.video_publish_time('_i', '_j')}))
                 + toIntervalSecond({r.int(3600, 20 * DAY, 'item.created', 'item')})) AS _created,
           1 + {r.chance(0.03, 'item.deleted', 'item')} AS _n
    FROM {post_items(w)}
)
ARRAY JOIN range(_n) AS v"""


def profile_collection_item(w: World) -> str:
    r = w.r
    ig = w.random_creator("pitem.ig", "item")
    yt = w.random_channel_owner("pitem.yt", "item")
    return f"""
INSERT INTO coffee.profile_collection_item (id, collection_id, platform, platform_id, created_at, updated_at, deleted)
SELECT
    item, c, _platform,
    if(_platform = 'INSTAGRAM', {w.profile_id(ig)}, {w.channel_id(yt)}),
    _created_item,
    if(v = 0, _created_item, greatest(_created_item, {recent(w, 'pitem.upd', 'item', days=20)})),
    v = 1
FROM (
    SELECT c * 64 + k AS item, c,
           if({w.channel_count} > 0, {r.weighted((('INSTAGRAM', 80), ('YOUTUBE', 20)), 'pitem.platform', 'c', 'k')}, 'INSTAGRAM') AS _platform,
           least({w.A}, _created + toIntervalSecond({r.int(60, 60 * DAY, 'pitem.created', 'c', 'k')})) AS _created_item,
           1 + {r.chance(0.03, 'pitem.deleted', 'c', 'k')} AS _n
    FROM {_collections(w, 'NOT ' + is_post_collection(w, 'c'))}
    ARRAY JOIN range({r.int(5, 40, 'col.pitems', 'c')}) AS k
)
ARRAY JOIN range(_n) AS v"""


def campaign_profiles(w: World) -> str:
    """(cp id, campaign, platform, creator index, final status) of every campaign profile."""
    r = w.r
    return f"""(
        SELECT cp, camp, b, _platform,
               if(_platform = 'INSTAGRAM', {w.random_creator('cp.ig', 'cp')}, {w.random_channel_owner('cp.yt', 'cp')}) AS _i,
               {r.weighted((('INVITED', 15), ('ACCEPTED', 20), ('DELIVERED', 25), ('PAID', 30), ('DROPPED', 10)), 'cp.status', 'cp')}
                   AS _status
        FROM (
            SELECT b, b * 8 + k AS camp, camp * 32 + k2 AS cp,
                   if({w.channel_count} > 0, {r.weighted(PLATFORMS, 'cp.platform', 'b', 'k', 'k2')}, 'INSTAGRAM') AS _platform
            FROM {_brands(w)}
            ARRAY JOIN range({n_campaigns(w, 'b')}) AS k
            ARRAY JOIN range({r.int(3, 20, 'camp.profiles', 'b', 'k')}) AS k2
        )
    )"""


def campaign_profile(w: World) -> str:
    r = w.r
    return f"""
INSERT INTO coffee.campaign_profile
    (id, campaign_id, platform, platform_id, fee, deliverables, status, created_at, updated_at)
SELECT
    cp, camp, _platform,
    if(_platform = 'INSTAGRAM', {w.profile_id('_i')}, {w.channel_id('_i')}),
    if({r.chance(0.1, 'cp.nofee', 'cp')}, NULL, round(2000 + 200000 * pow({r.u('cp.fee', 'cp')}, 3), 2)),
    toInt32({r.int(1, 5, 'cp.deliv', 'cp')}),
    if(v = _n - 1, _status, 'INVITED'),
    _created,
    {versioned(w, '_created', 'cp.upd', 'cp')}
FROM (
    SELECT *, {recent(w, 'cp.created', 'cp', days=240)} AS _created,
           if(_status = 'INVITED', 1, 2) AS _n
    FROM {campaign_profiles(w)}
)
ARRAY JOIN range(_n) AS v"""


def content_verification(w: World) -> str:
    r = w.r
    j = f"({r.h('cv.post', 'cv')} % {w.post_count('_i')})"
    code = w.shortcode("_i", j)
    return f"""
INSERT INTO coffee.content_verification
    (id, campaign_id, platform, platform_id, short_code, proof_url, status, submitted_at, updated_at)
SELECT
    cv, camp, _platform,
    if(_platform = 'INSTAGRAM', {w.profile_id('_i')}, {w.channel_id('_i')}),
    if(_platform = 'INSTAGRAM',
       if({r.chance(0.1, 'cv.url', 'cv')}, concat('https://www.instagram.com/p/', {code}, '/'), {code}),
       NULL),
    concat('proofs/', if({r.chance(0.04, 'cv.missing', 'cv')}, 'missing_', ''), toString(cv), '.png'),
    if(v = _n - 1, {r.weighted((('SUBMITTED', 25), ('VERIFIED', 65), ('REJECTED', 10)), 'cv.status', 'cv')}, 'SUBMITTED'),
    _submitted,
    if(v = 0, _submitted, greatest(_submitted, {recent(w, 'cv.upd', 'cv', days=10)}))
FROM (
    SELECT cp * 2 + k AS cv, camp, _platform, _i,
           {recent(w, 'cv.at', 'cp', 'k', days=60)} AS _submitted,
           1 + {r.chance(0.6, 'cv.v2', 'cp', 'k')} AS _n
    FROM {campaign_profiles(w)}
    ARRAY JOIN range(1 + {r.chance(0.3, 'cv.two', 'cp')}) AS k
    WHERE _status IN ('DELIVERED', 'PAID')
)
ARRAY JOIN range(_n) AS v"""


def order(w: World) -> str:
    r = w.r
    amount = {"INR": 1.0, "USD": 1 / 83, "EUR": 1 / 90, "GBP": 1 / 105, "AED": 1 / 22.6, "SGD": 1 / 62}
    rate = "multiIf(" + ", ".join(f"_currency = '{c}', {v!r}" for c, v in amount.items()) + ", 1.0)"
    return f"""
INSERT INTO coffee.order (id, brand_id, plan, amount, currency, status, credits, created_at, paid_at, updated_at)
SELECT
    o, b, _plan,
    toDecimal64(round(_inr * {rate}, 2), 2),
    _currency,
    if(v = _n - 1, _status, 'CREATED'),
    toInt32(_credits),
    _created,
    if(v = _n - 1 AND _status IN ('PAID', 'REFUNDED'), _created + toIntervalSecond({r.int(30, 3600, 'ord.paid', 'o')}), NULL),
    if(v = 0, _created, least({w.A}, _created + toIntervalSecond({r.int(60, 3 * DAY, 'ord.upd', 'o')} * v)))
FROM (
    SELECT b, b * 16 + k AS o,
           {r.weighted((('STARTER', 45), ('PRO', 40), ('ENTERPRISE', 15)), 'ord.plan', 'b', 'k')} AS _plan,
           {r.weighted(vocab.CURRENCIES, 'ord.cur', 'b', 'k')} AS _currency,
           {r.weighted((('PAID', 75), ('FAILED', 10), ('REFUNDED', 5), ('CREATED', 10)), 'ord.status', 'b', 'k')} AS _status,
           multiIf(_plan = 'STARTER', 4999, _plan = 'PRO', 19999, 99999) * (1 + {r.int(0, 3, 'ord.qty', 'b', 'k')}) AS _inr,
           multiIf(_plan = 'STARTER', 50, _plan = 'PRO', 250, 2000) AS _credits,
           {recent(w, 'ord.created', 'b', 'k', days=w.days)} AS _created,
           if(_status = 'CREATED', 1, 2) AS _n
    FROM {_brands(w)} ARRAY JOIN range({r.int(0, 12, 'orders', 'b')}) AS k
)
ARRAY JOIN range(_n) AS v"""


def data_request(w: World) -> str:
    r = w.r
    ig = w.random_creator("dr.ig", "d")
    yt = w.random_channel_owner("dr.yt", "d")
    return f"""
INSERT INTO coffee.data_request
    (id, brand_id, user_id, request_type, platform, platform_id, status, created_at, completed_at, updated_at)
SELECT
    d, b, b * 8 + {r.h('dr.user', 'd')} % {n_users(w, 'b')},
    {r.weighted((('PROFILE_REPORT', 60), ('AUDIENCE_REPORT', 25), ('CAMPAIGN_REPORT', 15)), 'dr.type', 'd')},
    _platform,
    if(_platform = 'INSTAGRAM', {w.profile_id(ig)}, {w.channel_id(yt)}),
    arrayElement(['PENDING', 'IN_PROGRESS', _final], v + 1),
    _created,
    if(v = _n - 1 AND _final = 'COMPLETE', _done, NULL),
    if(v = 0, _created, if(v = _n - 1, _done, _created + toIntervalSecond(60)))
FROM (
    SELECT b, b * 32 + k AS d,
           if({w.channel_count} > 0, {r.weighted(PLATFORMS, 'dr.platform', 'b', 'k')}, 'INSTAGRAM') AS _platform,
           {r.weighted((('COMPLETE', 70), ('FAILED', 8), ('IN_PROGRESS', 12), ('PENDING', 10)), 'dr.status', 'b', 'k')} AS _final,
           {recent(w, 'dr.created', 'b', 'k', days=60)} AS _created,
           least({w.A}, _created + toIntervalSecond({r.int(600, 3 * DAY, 'dr.tat', 'b', 'k')})) AS _done,
           multiIf(_final = 'PENDING', 1, _final = 'IN_PROGRESS', 2, 3) AS _n
    FROM {_brands(w)} ARRAY JOIN range({r.int(0, 20, 'requests', 'b')}) AS k
)
ARRAY JOIN range(_n) AS v"""


def account_tracker(w: World) -> str:
    r = w.r
    ig = w.random_creator("at.ig", "t")
    yt = w.random_channel_owner("at.yt", "t")
    return f"""
INSERT INTO coffee.account_tracker (id, brand_id, platform, platform_id, active, created_at, updated_at)
SELECT
    t, b, _platform,
    if(_platform = 'INSTAGRAM', {w.profile_id(ig)}, {w.channel_id(yt)}),
    NOT (v = 1 AND {r.chance(0.5, 'at.off', 't')}),
    _created,
    if(v = 0, _created, greatest(_created, {recent(w, 'at.upd', 't')}))
FROM (
    SELECT b, b * 16 + k AS t,
           if({w.channel_count} > 0, {r.weighted(PLATFORMS, 'at.platform', 'b', 'k')}, 'INSTAGRAM') AS _platform,
           {recent(w, 'at.created', 'b', 'k', days=w.days)} AS _created,
           1 + {r.chance(0.3, 'at.v2', 'b', 'k')} AS _n
    FROM {_brands(w)} ARRAY JOIN range({r.int(0, 10, 'trackers', 'b')}) AS k
)
ARRAY JOIN range(_n) AS v"""


def hashtag_tracker(w: World) -> str:
    r = w.r
    tag = r.pick(vocab.HASHTAGS, "ht.tag", "t")
    return f"""
INSERT INTO coffee.hashtag_tracker (id, brand_id, hashtag, active, created_at, updated_at)
SELECT
    t, b,
    {w.hashtag_variant(tag, 'ht.case', 't')},
    NOT (v = 1 AND {r.chance(0.5, 'ht.off', 't')}),
    _created,
    if(v = 0, _created, greatest(_created, {recent(w, 'ht.upd', 't')}))
FROM (
    SELECT b, b * 8 + k AS t, {recent(w, 'ht.created', 'b', 'k', days=w.days)} AS _created,
           1 + {r.chance(0.3, 'ht.v2', 'b', 'k')} AS _n
    FROM {_brands(w)} ARRAY JOIN range({r.int(0, 5, 'htrackers', 'b')}) AS k
)
ARRAY JOIN range(_n) AS v"""


def recommendations(w: World) -> str:
    r = w.r
    return f"""(
        SELECT b, b * 32 + k AS rec,
               if({w.channel_count} > 0, {r.weighted(PLATFORMS, 'rec.platform', 'b', 'k')}, 'INSTAGRAM') AS _platform,
               if(_platform = 'INSTAGRAM', {w.profile_id(w.random_creator('rec.ig', 'b', 'k'))},
                  {w.channel_id(w.random_channel_owner('rec.yt', 'b', 'k'))}) AS _platform_id,
               {recent(w, 'rec.created', 'b', 'k', days=90)} AS _created
        FROM {_brands(w)} ARRAY JOIN range({r.int(5, 30, 'recs', 'b')}) AS k
    )"""


def recommendation(w: World) -> str:
    r = w.r
    return f"""
INSERT INTO coffee.recommendation (id, brand_id, platform, platform_id, score, reason, created_at, updated_at)
SELECT
    rec, b, _platform, _platform_id,
    round({r.u('rec.score', 'rec')}, 4),
    if({r.chance(0.2, 'rec.noreason', 'rec')}, NULL,
       {r.pick(('Similar audience', 'Category match', 'High ER', 'Trending', 'Past collaborator'), 'rec.reason', 'rec')}),
    _created,
    _created
FROM {recommendations(w)}"""


def invitation(w: World) -> str:
    r = w.r
    return f"""
INSERT INTO coffee.invitation
    (id, brand_id, campaign_id, recommendation_id, platform, platform_id, status, sent_at, responded_at, created_at, updated_at)
SELECT
    rec, b,
    if({r.chance(0.5, 'inv.camp', 'rec')}, b * 8 + {r.h('inv.campid', 'rec')} % {n_campaigns(w, 'b')}, NULL),
    rec, _platform, _platform_id,
    if(v = _n - 1, _status, 'QUEUED'),
    if(v = 0, NULL, _sent),
    if(v = _n - 1 AND _status IN ('ACCEPTED', 'DECLINED'), least({w.A}, _sent + toIntervalSecond({r.int(3600, 5 * DAY, 'inv.resp', 'rec')})), NULL),
    _created,
    if(v = 0, _created, least({w.A}, _sent + toIntervalSecond(v * 60)))
FROM (
    SELECT *, {r.weighted((('QUEUED', 10), ('SENT', 30), ('ACCEPTED', 25), ('DECLINED', 15), ('EXPIRED', 20)), 'inv.status', 'rec')} AS _status,
           least({w.A}, _created + toIntervalSecond({r.int(60, DAY, 'inv.sent', 'rec')})) AS _sent,
           if(_status = 'QUEUED', 1, 2) AS _n
    FROM {recommendations(w)}
    WHERE {r.chance(0.35, 'inv.has', 'rec')}
)
ARRAY JOIN range(_n) AS v"""


STEPS = ("SIGNUP", "FIRST_SEARCH", "FIRST_COLLECTION", "FIRST_CAMPAIGN", "FIRST_ORDER")


def journey_event(w: World) -> str:
    r = w.r
    # Each step is reached with 70 % probability given the previous one.
    reached = f"least({len(STEPS)}, 1 + toInt64(floor(log({r.u('journey.depth', 'u')} + 1e-9) / log(0.7))))"
    return f"""
INSERT INTO coffee.journey_event (id, user_id, brand_id, step, occurred_at, created_at)
SELECT
    u * 8 + s, u, b,
    {'[' + ', '.join(repr(s) for s in STEPS) + ']'}[s + 1],
    _at,
    -- a re-delivered event is written again later with the same id
    least({w.A}, _at + toIntervalSecond({r.int(1, 600, 'journey.lag', 'u', 's')} + copy * 3600))
FROM (
    SELECT u, b, s, copy,
           least({w.A}, _signup + toIntervalSecond(s * {r.int(600, 10 * DAY, 'journey.step', 'u')})) AS _at
    FROM (
        SELECT b, b * 8 + k AS u, {recent(w, 'journey.signup', 'b', 'k', days=w.days)} AS _signup,
               {reached} AS _reached
        FROM {_brands(w)} ARRAY JOIN range({n_users(w, 'b')}) AS k
    )
    ARRAY JOIN range(_reached) AS s
    -- the event pipe delivers ~2 % of events twice
    ARRAY JOIN range(1 + {r.chance(0.02, 'journey.dup', 'u', 's')}) AS copy
)"""
