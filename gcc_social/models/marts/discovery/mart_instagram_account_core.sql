{{ config(
    materialized='table',
    tags=['core'],
    order_by='profile_id',
    query_settings={'join_use_nulls': 1},
) }}

-- The numbers a profile page shows first, refreshed every 15 minutes from the latest
-- scrape: followers, following and engagement rate over recent posts.
with recent_posts as (
    {{ discovery_recent_content(ref('mart_instagram_post'), 'profile_id') }}
),

post_stats as (
    select
        profile_id,
        toUInt64(count()) as recent_posts,
        avg(likes) as avg_likes,
        avg(comments) as avg_comments,
        avgIf(coalesce(plays, views), post_type = 'reels') as avg_reel_plays,
        max(publish_time) as last_post_at
    from recent_posts
    group by profile_id
)

select
    a.profile_id as profile_id,
    a.handle as handle,
    a.full_name as name,
    a.category as category,
    a.country as country,
    a.language as language,
    a.is_verified as is_verified,
    a.is_private as is_private,
    toInt64(ifNull(a.followers, 0)) as followers,
    toInt64(ifNull(a.following, 0)) as following,
    toInt64(ifNull(a.media_count, 0)) as media_count,
    {{ discovery_follower_group('ifNull(a.followers, 0)') }} as follower_group,
    ifNull(ps.recent_posts, 0) as recent_posts,
    ps.avg_likes as avg_likes,
    ps.avg_comments as avg_comments,
    ps.avg_reel_plays as avg_reel_plays,
    -- average engagement of recent posts as % of current followers
    {{ discovery_safe_div('ps.avg_likes + ps.avg_comments', 'a.followers') }} * 100 as engagement_rate,
    ps.last_post_at as last_post_at,
    a.updated_at as last_scraped_at
from {{ ref('stg_beat_instagram_account') }} a
left join post_stats ps on ps.profile_id = a.profile_id
