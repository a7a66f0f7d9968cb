{{ config(
    materialized='table',
    tags=['core'],
    order_by='profile_id',
    query_settings={'join_use_nulls': 1},
) }}

-- The numbers a profile page shows first, refreshed every 15 minutes from the latest
-- scrape: followers, following and engagement rate over recent posts.
with recent_posts AS (
    {{ discovery_recent_content(ref('mart_instagram_post'), 'profile_id') }}
),

post_stats AS (
    select
        profile_id,
        toUInt64(count()) AS recent_posts,
        avg(likes) AS avg_likes,
        avg(comments) AS avg_comments,
        avgIf(coalesce(plays, views), post_type = 'reels') AS avg_reel_plays,
        max(publish_time) AS last_post_at
    from recent_posts
    group by profile_id
)

select
    a.profile_id AS profile_id,
    a.handle AS handle,
    a.full_name AS name,
    a.category AS category,
    a.country AS country,
    a.language AS language,
    a.is_verified AS is_verified,
    a.is_private AS is_private,
    toInt64(ifNull(a.followers, 0)) AS followers,
    toInt64(ifNull(a.following, 0)) AS following,
    toInt64(ifNull(a.media_count, 0)) AS media_count,
    {{ discovery_follower_group('ifNull(a.followers, 0)') }} AS follower_group,
    ifNull(ps.recent_posts, 0) AS recent_posts,
    ps.avg_likes AS avg_likes,
    ps.avg_comments AS avg_comments,
    ps.avg_reel_plays AS avg_reel_plays,
    -- average engagement of recent posts as % of current followers
    {{ discovery_safe_div('ps.avg_likes + ps.avg_comments', 'a.followers') }} * 100 AS engagement_rate,
    ps.last_post_at AS last_post_at,
    a.updated_at AS last_scraped_at
from {{ ref('stg_beat_instagram_account') }} a
left join post_stats ps on ps.profile_id = a.profile_id
