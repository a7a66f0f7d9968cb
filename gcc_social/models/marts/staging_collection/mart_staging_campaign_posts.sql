{{ config(
    materialized='table',
    tags=['staging_collections'],
    order_by='(campaign_id, shortcode)',
    query_settings={'join_use_nulls': 1}
) }}

{#- The posts that count for a campaign, found two ways:
    COLLECTION  the brand put the post into a collection linked to the campaign;
    HASHTAG     a creator contracted on the campaign (not DROPPED) published, inside the
                campaign dates, a post whose latest scrape carries one of the campaign's
                hashtags (Instagram hashtags, YouTube tags).
    A post found both ways is one row with matched_via = 'COLLECTION+HASHTAG'.
    The latest state of each post comes along because hashtag-found posts need not be in
    any collection (mart_staging_collection_post_latest does not cover them).

    Performance: ClickHouse inlines CTEs, so every heavy CTE is referenced exactly once.
    One pass over the scrapes finds the hashtag candidates (a contracted creator's post
    carrying a hashtag of one of their campaigns, published after their first campaign
    started); the candidates and the collected posts are then aggregated once through
    the primary key (argMax over their scrapes), joined to the campaigns they could
    belong to as arrays, and fanned out with ARRAY JOIN for the exact per-campaign test. -#}

with campaigns as (
    select
        id as campaign_id,
        brand_id,
        start_date,
        COALESCE(end_date, today()) as end_date,
        hashtags
    from {{ ref('stg_coffee_campaign') }}
),

creators as (
    select distinct
        campaign_id,
        platform,
        platform_id
    from {{ ref('stg_coffee_campaign_profile') }}
    where status != 'DROPPED'
),

collected as (
    select
        assumeNotNull(item.campaign_id) as campaign_id,
        item.platform as platform,
        item.short_code as shortcode,
        min(item.collection_id) as collection_id,
        min(item.created_at) as added_at
    from {{ ref('mart_staging_collection_post_items') }} as item
    where
        item.campaign_id is not NULL
        and item.campaign_id in (select campaign_id from campaigns)
    group by campaign_id, platform, shortcode
),

collected_by_post as (
    select
        platform,
        shortcode,
        groupArray(campaign_id) as collection_campaign_ids,
        groupArray(collection_id) as collection_ids,
        groupArray(added_at) as added_ats
    from collected
    group by platform, shortcode
),

creator_campaigns as (
    select
        platform,
        platform_id,
        groupArray(campaign_id) as creator_campaign_ids
    from creators
    group by platform, platform_id
),

-- what a creator's post must carry (any hashtag of any of their campaigns, published
-- after their first campaign started) to be worth aggregating at all
creator_tags as (
    select
        cr.platform as platform,
        cr.platform_id as platform_id,
        groupUniqArrayArray(ca.hashtags) as tags,
        min(ca.start_date) as first_start
    from creators as cr
    inner join campaigns as ca on cr.campaign_id = ca.campaign_id
    group by cr.platform, cr.platform_id
),

instagram_state as (
    select
        'INSTAGRAM' as platform,
        s.shortcode as shortcode,
        argMax(s.profile_id, s.updated_at) as platform_id,
        argMax(s.post_type, s.updated_at) as post_type,
        argMax(s.hashtags, s.updated_at) as tags,
        toInt64(argMax(s.likes, s.updated_at)) as likes,
        toInt64(argMax(s.comments, s.updated_at)) as comments,
        CAST(argMax(s.views, s.updated_at), 'Nullable(Int64)') as views,
        CAST(argMax(s.plays, s.updated_at), 'Nullable(Int64)') as plays,
        CAST(argMax(s.reach, s.updated_at), 'Nullable(Int64)') as reach,
        CAST(argMax(s.profile_follower, s.updated_at), 'Nullable(Int64)') as profile_follower,
        CAST(argMax(s.profile_er, s.updated_at), 'Nullable(Float64)') as profile_er,
        argMax(s.publish_time, s.updated_at) as publish_time,
        max(s.updated_at) as last_scraped_at
    from {{ ref('stg_beat_instagram_post') }} as s /* dedup: argMax/max over updated_at per shortcode */
    where
        s.shortcode in (select shortcode from collected where platform = 'INSTAGRAM')
        or s.shortcode in (
            select p.shortcode
            from {{ ref('stg_beat_instagram_post') }} as p /* dedup: IN (set of shortcodes) */
            inner join creator_tags as ct on ct.platform = 'INSTAGRAM' and p.profile_id = ct.platform_id
            where hasAny(p.hashtags, ct.tags) and toDate(p.publish_time) >= ct.first_start
        )
    group by s.shortcode
),

youtube_state as (
    select
        'YOUTUBE' as platform,
        s.video_id as shortcode,
        argMax(s.channel_id, s.updated_at) as platform_id,
        if(argMax(s.is_short, s.updated_at) = 1, 'short', 'video') as post_type,
        argMax(s.tags, s.updated_at) as tags,
        toInt64(argMax(s.likes, s.updated_at)) as likes,
        toInt64(argMax(s.comments, s.updated_at)) as comments,
        CAST(argMax(s.views, s.updated_at), 'Nullable(Int64)') as views,
        CAST(NULL, 'Nullable(Int64)') as plays,
        CAST(NULL, 'Nullable(Int64)') as reach,
        CAST(NULL, 'Nullable(Int64)') as profile_follower,
        CAST(NULL, 'Nullable(Float64)') as profile_er,
        argMax(s.publish_time, s.updated_at) as publish_time,
        max(s.updated_at) as last_scraped_at
    from {{ ref('stg_beat_youtube_video') }} as s /* dedup: argMax/max over updated_at per video */
    where
        s.video_id in (select shortcode from collected where platform = 'YOUTUBE')
        or s.video_id in (
            select v.video_id
            from {{ ref('stg_beat_youtube_video') }} as v /* dedup: IN (set of video ids) */
            inner join creator_tags as ct on ct.platform = 'YOUTUBE' and v.channel_id = ct.platform_id
            where hasAny(v.tags, ct.tags) and toDate(v.publish_time) >= ct.first_start
        )
    group by s.video_id
),

post_state as (
    select * from instagram_state
    union all
    select * from youtube_state
),

candidates as (
    select
        assumeNotNull(coalesce(st.platform, cb.platform)) as platform,
        assumeNotNull(coalesce(st.shortcode, cb.shortcode)) as shortcode,
        st.platform_id as platform_id,
        st.post_type as post_type,
        st.tags as tags,
        st.likes as likes,
        st.comments as comments,
        st.views as views,
        st.plays as plays,
        st.reach as reach,
        st.profile_follower as profile_follower,
        st.profile_er as profile_er,
        st.publish_time as publish_time,
        st.last_scraped_at as last_scraped_at,
        cb.collection_campaign_ids as collection_campaign_ids,
        cb.collection_ids as collection_ids,
        cb.added_ats as added_ats,
        cc.creator_campaign_ids as creator_campaign_ids
    from post_state as st
    full outer join collected_by_post as cb on st.platform = cb.platform and st.shortcode = cb.shortcode
    left join creator_campaigns as cc on st.platform = cc.platform and st.platform_id = cc.platform_id
),

fanned as (
    select
        c.*,
        campaign_id,
        has(c.collection_campaign_ids, campaign_id) as in_collection,
        indexOf(c.collection_campaign_ids, campaign_id) as collection_pos
    from candidates as c
    array join arrayDistinct(arrayConcat(c.collection_campaign_ids, c.creator_campaign_ids)) as campaign_id
)

select
    toUInt64(f.campaign_id) as campaign_id,
    f.shortcode as shortcode,
    f.platform as platform,
    toUInt64(ca.brand_id) as brand_id,
    multiIf(f.in_collection and hashtag_match, 'COLLECTION+HASHTAG', f.in_collection, 'COLLECTION', 'HASHTAG') as matched_via,
    if(hashtag_match, arraySort(arrayIntersect(f.tags, ca.hashtags)), []) as matched_hashtags,
    if(f.in_collection, CAST(f.collection_ids[f.collection_pos], 'Nullable(UInt64)'), NULL) as collection_id,
    if(f.in_collection, CAST(f.added_ats[f.collection_pos], 'Nullable(DateTime)'), NULL) as added_at,
    f.platform_id as platform_id,
    f.post_type as post_type,
    f.tags as hashtags,
    f.likes as likes,
    f.comments as comments,
    f.views as views,
    f.plays as plays,
    f.reach as reach,
    f.profile_follower as profile_follower,
    f.profile_er as profile_er,
    f.publish_time as publish_time,
    f.last_scraped_at as last_scraped_at,
    has(f.creator_campaign_ids, f.campaign_id)
    and notEmpty(arrayIntersect(f.tags, ca.hashtags))
    and toDate(f.publish_time) between ca.start_date and ca.end_date as hashtag_match
from fanned as f
inner join campaigns as ca on f.campaign_id = ca.campaign_id
where f.in_collection or hashtag_match
