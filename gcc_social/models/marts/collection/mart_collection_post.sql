{{ config(
    materialized='table',
    tags=['collections'],
    order_by='(collection_id, post_short_code)',
    query_settings={'join_use_nulls': 1}
) }}

{#- Every post of every collection with its latest numbers: the collection's post grid.
    A post pasted into one collection twice is one row (first time it was added).

    Reach: `reach` is the insights reach when the creator connected insights.
    story_reach_estimate is the original's formula on the creator's latest follower count
    and ER (argMax per shortcode, mart_staging_collection_story_data), with its 2023-11-22
    branch on when the item was added (macro marts_collection_story_reach; NULL when
    followers/ER are missing or not positive). estimated_reach is what campaign CPM uses:
    insights reach, else the story estimate for stories, else plays/views of videos.
    er: Instagram engagement per follower at scrape time x 100, YouTube per view x 100. -#}

with items as (
    select
        s.collection_id as collection_id,
        s.short_code as post_short_code,
        argMin(s.item_id, (s.created_at, s.item_id)) as item_id,
        argMin(s.platform, (s.created_at, s.item_id)) as platform,
        argMin(s.post_type, (s.created_at, s.item_id)) as item_post_type,
        any(s.collection_name) as collection_name,
        any(s.brand_id) as brand_id,
        any(s.campaign_id) as campaign_id,
        min(s.created_at) as item_created_at
    from {{ ref('mart_staging_collection_post_items') }} as s
    group by s.collection_id, s.short_code
),

instagram as (
    select
        i.collection_id as collection_id,
        i.post_short_code as post_short_code,
        i.item_id as item_id,
        i.platform as platform,
        i.collection_name as collection_name,
        i.brand_id as brand_id,
        i.campaign_id as campaign_id,
        coalesce(p.post_type, i.item_post_type) as post_type,
        p.profile_id as platform_id,
        p.caption as caption,
        arrayDistinct(arrayMap(x -> lower(x), p.hashtags)) as hashtags,
        p.likes as likes,
        p.comments as comments,
        p.views as views,
        p.plays as plays,
        p.saves as saves,
        p.shares as shares,
        p.impressions as impressions,
        p.reach as reach,
        sd.profile_follower as profile_follower,
        sd.profile_er as profile_er,
        {{ marts_collection_story_reach('sd.profile_follower', 'sd.profile_er', 'i.item_created_at') }} as story_reach_estimate,
        p.publish_time as publish_time,
        p.thumbnail_url as thumbnail_url,
        i.item_created_at as item_created_at,
        p.last_scraped_at as last_scraped_at
    from items as i
    left join {{ ref('mart_staging_collection_post_latest') }} as p on i.post_short_code = p.shortcode
    left join {{ ref('mart_staging_collection_story_data') }} as sd on i.post_short_code = sd.shortcode
    where i.platform = 'INSTAGRAM'
),

youtube as (
    select
        i.collection_id as collection_id,
        i.post_short_code as post_short_code,
        i.item_id as item_id,
        i.platform as platform,
        i.collection_name as collection_name,
        i.brand_id as brand_id,
        i.campaign_id as campaign_id,
        coalesce(if(v.is_short = 1, 'short', if(v.video_id is NULL, NULL, 'video')), i.item_post_type) as post_type,
        v.channel_id as platform_id,
        v.title as caption,
        arrayDistinct(arrayMap(x -> lower(x), v.tags)) as hashtags,
        v.likes as likes,
        v.comments as comments,
        v.views as views,
        CAST(NULL, 'Nullable(Int64)') as plays,
        CAST(NULL, 'Nullable(Int64)') as saves,
        CAST(NULL, 'Nullable(Int64)') as shares,
        CAST(NULL, 'Nullable(Int64)') as impressions,
        CAST(NULL, 'Nullable(Int64)') as reach,
        v.channel_subscribers as profile_follower,
        CAST(NULL, 'Nullable(Float64)') as profile_er,
        CAST(NULL, 'Nullable(Int64)') as story_reach_estimate,
        v.publish_time as publish_time,
        v.thumbnail_url as thumbnail_url,
        i.item_created_at as item_created_at,
        v.last_scraped_at as last_scraped_at
    from items as i
    left join {{ ref('mart_staging_collection_video_latest') }} as v on i.post_short_code = v.video_id
    where i.platform = 'YOUTUBE'
),

posts as (
    select * from instagram
    union all
    select * from youtube
)

select
    toUInt64(collection_id) as collection_id,
    post_short_code,
    toUInt64(item_id) as item_id,
    platform,
    collection_name,
    toUInt64(brand_id) as brand_id,
    campaign_id,
    post_type,
    platform_id,
    caption,
    hashtags,
    CAST(likes, 'Nullable(Int64)') as likes,
    CAST(comments, 'Nullable(Int64)') as comments,
    CAST(views, 'Nullable(Int64)') as views,
    CAST(plays, 'Nullable(Int64)') as plays,
    CAST(saves, 'Nullable(Int64)') as saves,
    CAST(shares, 'Nullable(Int64)') as shares,
    CAST(impressions, 'Nullable(Int64)') as impressions,
    CAST(likes + comments, 'Nullable(Int64)') as engagement,
    CAST(reach, 'Nullable(Int64)') as reach,
    CAST(profile_follower, 'Nullable(Int64)') as profile_follower,
    CAST(profile_er, 'Nullable(Float64)') as profile_er,
    story_reach_estimate,
    CAST(multiIf(
        reach > 0, reach,
        post_type = 'story', story_reach_estimate,
        plays > 0, plays,
        views > 0, views,
        NULL
    ), 'Nullable(Int64)') as estimated_reach,
    if(
        platform = 'YOUTUBE',
        {{ marts_collection_ratio('likes + comments', 'views', 100) }},
        {{ marts_collection_ratio('likes + comments', 'profile_follower', 100) }}
    ) as er,
    publish_time,
    thumbnail_url,
    item_created_at,
    last_scraped_at,
    toUInt8(last_scraped_at is not NULL) as is_scraped
from posts
