{{ config(
    materialized='table',
    tags=['staging_collections'],
    order_by='(platform, platform_id)',
    query_settings={'join_use_nulls': 1}
) }}

{#- Latest snapshot of every creator the collection and campaign screens show: shortlisted
    profiles, contracted campaign creators and the authors of collected posts. Besides the
    profile itself, the last 90 days of posts give the averages a shortlist compares
    (Instagram stories are left out: they have no public likes).
    engagement_rate: Instagram (avg likes + avg comments) / followers x 100 over those posts,
    else the platform's ER from the latest post scrape; YouTube engagement per view x 100.
    Only creators beat has scraped appear here. -#}

with wanted as (
    select
        platform,
        platform_id
    from {{ ref('mart_staging_collection_profile_items') }}
    union distinct
    select
        platform,
        platform_id
    from {{ ref('stg_coffee_campaign_profile') }}
    union distinct
    select
        'INSTAGRAM',
        profile_id
    from {{ ref('mart_staging_collection_post_latest') }}
    union distinct
    select
        'YOUTUBE',
        channel_id
    from {{ ref('mart_staging_collection_video_latest') }}
),

instagram_posts as (
    select
        s.shortcode as shortcode,
        argMax(s.profile_id, s.updated_at) as profile_id,
        argMax(s.post_type, s.updated_at) as post_type,
        argMax(s.likes, s.updated_at) as likes,
        argMax(s.comments, s.updated_at) as comments,
        argMax(COALESCE(s.views, s.plays), s.updated_at) as views,
        argMax(s.profile_er, s.updated_at) as profile_er,
        max(s.updated_at) as last_scraped_at
    from {{ ref('stg_beat_instagram_post') }} as s /* dedup: argMax/max over updated_at per post */
    where
        s.profile_id in (select platform_id from wanted where platform = 'INSTAGRAM')
        and s.publish_time >= now() - interval 90 day
    group by s.shortcode
),

instagram_recent as (
    select
        profile_id,
        toUInt64(countIf(post_type != 'story')) as posts_90d,
        avgIf(likes, post_type != 'story') as avg_likes,
        avgIf(comments, post_type != 'story') as avg_comments,
        avgIf(views, post_type != 'story' and views is not NULL) as avg_views,
        argMax(profile_er, last_scraped_at) as latest_profile_er
    from instagram_posts
    group by profile_id
),

instagram as (
    select
        'INSTAGRAM' as platform,
        a.profile_id as platform_id,
        a.handle as handle,
        a.full_name as name,
        a.category as category,
        a.country as country,
        a.language as language,
        CAST(a.followers, 'Nullable(Int64)') as followers,
        CAST(a.following, 'Nullable(Int64)') as following,
        CAST(a.media_count, 'Nullable(Int64)') as media_count,
        COALESCE(r.posts_90d, 0) as posts_90d,
        r.avg_likes as avg_likes,
        r.avg_comments as avg_comments,
        r.avg_views as avg_views,
        CAST(coalesce(
            {{ marts_collection_ratio('r.avg_likes + r.avg_comments', 'a.followers', 100) }},
            r.latest_profile_er
        ), 'Nullable(Float64)') as engagement_rate,
        a.updated_at as last_scraped_at
    from {{ ref('stg_beat_instagram_account') }} as a
    left join instagram_recent as r on a.profile_id = r.profile_id
    where a.profile_id in (select platform_id from wanted where platform = 'INSTAGRAM')
),

youtube_videos as (
    select
        s.video_id as video_id,
        argMax(s.channel_id, s.updated_at) as channel_id,
        argMax(s.views, s.updated_at) as views,
        argMax(s.likes, s.updated_at) as likes,
        argMax(s.comments, s.updated_at) as comments
    from {{ ref('stg_beat_youtube_video') }} as s /* dedup: argMax/max over updated_at per video */
    where
        s.channel_id in (select platform_id from wanted where platform = 'YOUTUBE')
        and s.publish_time >= now() - interval 90 day
    group by s.video_id
),

youtube_recent as (
    select
        channel_id,
        toUInt64(count()) as posts_90d,
        avg(likes) as avg_likes,
        avg(comments) as avg_comments,
        avg(views) as avg_views,
        {{ marts_collection_ratio('sum(likes + comments)', 'sum(views)', 100) }} as engagement_rate
    from youtube_videos
    group by channel_id
),

youtube as (
    select
        'YOUTUBE' as platform,
        c.channel_id as platform_id,
        c.handle as handle,
        c.title as name,
        c.category as category,
        c.country as country,
        c.language as language,
        CAST(c.subscribers, 'Nullable(Int64)') as followers,
        CAST(NULL, 'Nullable(Int64)') as following,
        CAST(c.video_count, 'Nullable(Int64)') as media_count,
        COALESCE(r.posts_90d, 0) as posts_90d,
        r.avg_likes as avg_likes,
        r.avg_comments as avg_comments,
        r.avg_views as avg_views,
        CAST(r.engagement_rate, 'Nullable(Float64)') as engagement_rate,
        c.updated_at as last_scraped_at
    from {{ ref('stg_beat_youtube_channel') }} as c
    left join youtube_recent as r on c.channel_id = r.channel_id
    where c.channel_id in (select platform_id from wanted where platform = 'YOUTUBE')
)

select * from instagram
union all
select * from youtube
