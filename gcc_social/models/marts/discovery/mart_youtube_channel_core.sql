{{ config(
    materialized='table',
    tags=['core'],
    order_by='channel_id',
    query_settings={'join_use_nulls': 1},
) }}

-- Latest subscribers / views per channel and recent-video averages, every 15 minutes.
with recent_videos as (
    {{ discovery_recent_content(ref('mart_youtube_video'), 'channel_id') }}
),

video_stats as (
    select
        channel_id,
        toUInt64(count()) as recent_videos,
        avg(views) as avg_views,
        avg(likes) as avg_likes,
        avg(comments) as avg_comments,
        {{ discovery_safe_div('sum(likes + comments)', 'sum(views)') }} * 100 as engagement_rate,
        max(publish_time) as last_video_at
    from recent_videos
    group by channel_id
)

select
    c.channel_id as channel_id,
    c.title as title,
    c.handle as handle,
    c.category as category,
    c.country as country,
    c.language as language,
    toInt64(ifNull(c.subscribers, 0)) as subscribers,
    toInt64(ifNull(c.views, 0)) as total_views,
    toInt64(ifNull(c.video_count, 0)) as video_count,
    {{ discovery_follower_group('ifNull(c.subscribers, 0)') }} as subscriber_group,
    ifNull(vs.recent_videos, 0) as recent_videos,
    vs.avg_views as avg_views,
    vs.avg_likes as avg_likes,
    vs.avg_comments as avg_comments,
    vs.engagement_rate as engagement_rate,
    vs.last_video_at as last_video_at,
    c.updated_at as last_scraped_at
from {{ ref('stg_beat_youtube_channel') }} c
left join video_stats vs on vs.channel_id = c.channel_id
