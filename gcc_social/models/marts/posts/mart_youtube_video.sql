{{ config(
    materialized='table',
    tags=['core'],
    order_by='video_id',
    partition_by='toYYYYMM(publish_time)',
) }}

-- Latest state of every YouTube video across re-scrapes, with engagement per view.
with latest AS (
    select
        video_id,
        argMax(channel_id, updated_at) AS channel_id,
        argMax(title, updated_at) AS title,
        argMax(tags, updated_at) AS tags,
        argMax(views, updated_at) AS views,
        argMax(likes, updated_at) AS likes,
        argMax(comments, updated_at) AS comments,
        argMax(duration_seconds, updated_at) AS duration_seconds,
        argMax(is_short, updated_at) AS is_short,
        argMax(thumbnail_url, updated_at) AS thumbnail_url,
        argMax(publish_time, updated_at) AS publish_time,
        min(created_at) AS first_scraped_at,
        max(updated_at) AS last_scraped_at,
        toUInt64(count()) AS scrape_count
    from {{ ref('stg_beat_youtube_video') }}
    group by video_id
)

select
    video_id,
    channel_id,
    title,
    arrayDistinct(arrayFilter(x -> x != '', arrayMap(x -> lower(trimBoth(x)), tags))) AS tags,
    toInt64(ifNull(views, 0)) AS views,
    toInt64(ifNull(likes, 0)) AS likes,
    toInt64(ifNull(comments, 0)) AS comments,
    toInt64(ifNull(likes, 0) + ifNull(comments, 0)) AS engagement,
    {{ engagement_rate('toFloat64(ifNull(likes, 0) + ifNull(comments, 0))', 'views') }} AS engagement_rate,
    duration_seconds,
    toUInt8(is_short) AS is_short,
    if(is_short = 1, 'short', 'video') AS video_class,
    -- lifetime average; a video published today counts as one day old
    {{ discovery_safe_div('ifNull(views, 0)', 'greatest(dateDiff(\'day\', publish_time, now()), 1)') }} AS views_per_day,
    thumbnail_url,
    publish_time,
    toDate(publish_time) AS publish_date,
    first_scraped_at,
    last_scraped_at,
    scrape_count
from latest
