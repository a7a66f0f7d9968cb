{{ config(
    materialized='incremental',
    incremental_strategy='append',
    engine='ReplacingMergeTree(last_scraped_at)',
    order_by='(shortcode, date)',
    partition_by='toYYYYMM(date)',
    tags=['staging_collections']
) }}

{#- Daily high-water marks of every collected post (Instagram shortcodes and YouTube
    video ids): the points of the collection time series.

    Incremental with the 4 h lookback: a run rebuilds only the (post, day) pairs that got a
    scrape since max(last_scraped_at) - 4 h, from ALL scrapes of that day, so a late scrape
    can only raise the day's maximum; posts newly added to a collection get their whole
    history. ReplacingMergeTree(last_scraped_at) keeps the newest row per (shortcode, date);
    readers use FINAL. -#}

{%- set since = marts_collection_lookback('last_scraped_at') %}

with collected as (
    select
        platform,
        short_code,
        max(updated_at) as item_updated_at
    from {{ ref('mart_staging_collection_post_items') }}
    group by platform, short_code
),

instagram as (
    select
        shortcode,
        'INSTAGRAM' as platform,
        toDate(updated_at) as date,
        toInt64(max(likes)) as likes,
        toInt64(max(comments)) as comments,
        toInt64(COALESCE(max(views), 0)) as views,
        toInt64(COALESCE(max(plays), 0)) as plays,
        CAST(max(reach), 'Nullable(Int64)') as reach,
        max(updated_at) as last_scraped_at
    from {{ ref('stg_beat_instagram_post') }} /* dedup: max per (shortcode, day) */
    where
        shortcode in (select short_code from collected where platform = 'INSTAGRAM')
        {%- if is_incremental() %}
            and (
                (shortcode, toDate(updated_at)) in (
                    select
                        shortcode,
                        toDate(updated_at)
                    from {{ ref('stg_beat_instagram_post') }} /* dedup: IN (set of keys) */
                    where updated_at > {{ since }}
                )
                or shortcode in (
                    select short_code from collected
                    where platform = 'INSTAGRAM' and item_updated_at > {{ since }}
                )
            )
        {%- endif %}
    group by shortcode, date
),

youtube as (
    select
        video_id as shortcode,
        'YOUTUBE' as platform,
        toDate(updated_at) as date,
        toInt64(max(likes)) as likes,
        toInt64(max(comments)) as comments,
        toInt64(max(views)) as views,
        toInt64(0) as plays,
        CAST(NULL, 'Nullable(Int64)') as reach,
        max(updated_at) as last_scraped_at
    from {{ ref('stg_beat_youtube_video') }} /* dedup: max per (video, day) */
    where
        video_id in (select short_code from collected where platform = 'YOUTUBE')
        {%- if is_incremental() %}
            and (
                (video_id, toDate(updated_at)) in (
                    select
                        video_id,
                        toDate(updated_at)
                    from {{ ref('stg_beat_youtube_video') }} /* dedup: IN (set of keys) */
                    where updated_at > {{ since }}
                )
                or video_id in (
                    select short_code from collected
                    where platform = 'YOUTUBE' and item_updated_at > {{ since }}
                )
            )
        {%- endif %}
    group by shortcode, date
)

select
    shortcode,
    platform,
    date,
    likes,
    comments,
    views,
    plays,
    reach,
    likes + comments as engagement,
    last_scraped_at
from (
    select * from instagram
    union all
    select * from youtube
) as snapshots
