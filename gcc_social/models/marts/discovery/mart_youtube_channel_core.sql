{{ config(
    materialized='table',
    tags=['core'],
    order_by='channel_id',
    query_settings={'join_use_nulls': 1},
) }}

-- Latest subscribers / views per channel and recent-video averages, every 15 minutes.
with recent_videos AS (
    {{ discovery_recent_content(ref('mart_youtube_video'), 'channel_id') }}
),

video_stats AS (
    select
        channel_id,
        toUInt64(count()) AS recent_videos,
        avg(views) AS avg_views,
        avg(likes) AS avg_likes,
        avg(comments) AS avg_comments,
        {{ discovery_safe_div('sum(likes + comments)', 'sum(views)') }} * 100 AS engagement_rate,
        max(publish_time) AS last_video_at
    from recent_videos
    group by channel_id
)

select
    c.channel_id AS channel_id,
    c.title AS title,
    c.handle AS handle,
    c.category AS category,
    c.country AS country,
    c.language AS language,
    toInt64(ifNull(c.subscribers, 0)) AS subscribers,
    toInt64(ifNull(c.views, 0)) AS total_views,
    toInt64(ifNull(c.video_count, 0)) AS video_count,
    {{ discovery_follower_group('ifNull(c.subscribers, 0)') }} AS subscriber_group,
    ifNull(vs.recent_videos, 0) AS recent_videos,
    vs.avg_views AS avg_views,
    vs.avg_likes AS avg_likes,
    vs.avg_comments AS avg_comments,
    vs.engagement_rate AS engagement_rate,
    vs.last_video_at AS last_video_at,
    c.updated_at AS last_scraped_at
from {{ ref('stg_beat_youtube_channel') }} c
left join video_stats vs on vs.channel_id = c.channel_id
