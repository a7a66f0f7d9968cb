{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key='video_id',
    engine='ReplacingMergeTree(last_scraped_at)',
    tags=['core'],
    order_by='video_id',
    partition_by='toYYYYMM(publish_time)',
    settings={'enable_block_number_column': 1, 'enable_block_offset_column': 1},
    query_settings={'lightweight_delete_mode': 'lightweight_update', 'optimize_on_insert': 0},
) }}

-- Latest state of every YouTube video across re-scrapes, with engagement per view.
-- Incremental like mart_instagram_post: only videos scraped within the lookback are
-- recomputed (from all their scrapes) and replaced.
with latest as (
    select
        video_id,
        argMax(channel_id, updated_at) as channel_id,
        argMax(title, updated_at) as title,
        argMax(tags, updated_at) as tags,
        argMax(views, updated_at) as views,
        argMax(likes, updated_at) as likes,
        argMax(comments, updated_at) as comments,
        argMax(duration_seconds, updated_at) as duration_seconds,
        argMax(is_short, updated_at) as is_short,
        argMax(thumbnail_url, updated_at) as thumbnail_url,
        argMax(publish_time, updated_at) as publish_time,
        min(created_at) as first_scraped_at,
        max(updated_at) as last_scraped_at,
        -- distinct scrapes: staging may still hold a re-read copy of a scrape until it merges
        toUInt64(uniqExact(updated_at)) as scrape_count
    from {{ ref('stg_beat_youtube_video') }} /* dedup: argMax/max/min/uniqExact over updated_at per video */
    {{ changed_keys('video_id', ref('stg_beat_youtube_video'), 'updated_at', 'last_scraped_at') }}
    group by video_id
    settings optimize_aggregation_in_order = 1
)

select
    video_id,
    channel_id,
    title,
    arrayDistinct(arrayFilter(x -> x != '', arrayMap(x -> lower(trimBoth(x)), tags))) as tags,
    toInt64(ifNull(views, 0)) as views,
    toInt64(ifNull(likes, 0)) as likes,
    toInt64(ifNull(comments, 0)) as comments,
    toInt64(ifNull(likes, 0) + ifNull(comments, 0)) as engagement,
    {{ engagement_rate('toFloat64(ifNull(likes, 0) + ifNull(comments, 0))', 'views') }} as engagement_rate,
    duration_seconds,
    toUInt8(is_short) as is_short,
    if(is_short = 1, 'short', 'video') as video_class,
    -- lifetime average; a video published today counts as one day old
    {{ discovery_safe_div('ifNull(views, 0)', 'greatest(dateDiff(\'day\', publish_time, now()), 1)') }} as views_per_day,
    thumbnail_url,
    publish_time,
    toDate(publish_time) as publish_date,
    first_scraped_at,
    last_scraped_at,
    scrape_count
from latest
