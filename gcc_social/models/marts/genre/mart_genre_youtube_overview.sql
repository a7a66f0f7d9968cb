{{ config(
    materialized='table',
    tags=['daily'],
    order_by='category',
) }}

-- YouTube-specific genre card: channel sizes, views per video, how much of the genre is
-- Shorts, typical video length and upload cadence.
select
    assumeNotNull(category) as category,
    toUInt64(count()) as channels,
    toInt64(sum(subscribers)) as total_subscribers,
    round(avg(subscribers), 2) as avg_subscribers,
    toFloat64(quantileExact(0.5) (subscribers)) as median_subscribers,
    round(avg(avg_views), 2) as avg_views_per_video,
    if(countIf(avg_views is not NULL) = 0, NULL, round(quantileExact(0.5) (toFloat64(avg_views)), 2)) as median_views_per_video,
    round(avgIf(engagement_rate, {{ discovery_is_gradable('engagement_rate') }}), 4) as avg_engagement_rate,
    round(avg(shorts_share), 4) as shorts_share,
    round(avg(avg_duration_seconds), 1) as avg_duration_seconds,
    round(avg(videos_per_week), 4) as avg_videos_per_week,
    toInt64(sum(ifNull(subscribers_growth30d, 0))) as subscribers_growth30d,
    argMax(channel_id, (subscribers, channel_id)) as top_channel_id,
    argMax(title, (subscribers, channel_id)) as top_channel_title
from {{ ref('mart_youtube_account') }} as y
-- qualified: the bare name would resolve to the assumeNotNull alias, never NULL
where y.category is not NULL
group by category
