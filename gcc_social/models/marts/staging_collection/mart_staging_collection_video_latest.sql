{{ config(materialized='table', tags=['staging_collections'], order_by='video_id') }}

{#- Latest state of every collected YouTube video (argMax over scrapes), with the
    channel's current subscribers so views can be read against audience size. er is
    engagement per view (%), the YouTube convention. -#}

with videos as (
    select
        video_id,
        argMax(channel_id, updated_at) as channel_id,
        argMax(title, updated_at) as title,
        argMax(tags, updated_at) as tags,
        toInt64(argMax(views, updated_at)) as views,
        toInt64(argMax(likes, updated_at)) as likes,
        toInt64(argMax(comments, updated_at)) as comments,
        argMax(duration_seconds, updated_at) as duration_seconds,
        argMax(is_short, updated_at) as is_short,
        argMax(thumbnail_url, updated_at) as thumbnail_url,
        argMax(publish_time, updated_at) as publish_time,
        min(updated_at) as first_scraped_at,
        max(updated_at) as last_scraped_at,
        toUInt64(uniqExact(updated_at)) as scrape_count
    from {{ ref('stg_beat_youtube_video') }} /* dedup: argMax/max/uniqExact over updated_at per video */
    where
        video_id in (
            select short_code from {{ ref('mart_staging_collection_post_items') }} where platform = 'YOUTUBE'
        )
    group by video_id
)

select
    v.video_id as video_id,
    v.channel_id as channel_id,
    v.title as title,
    v.tags as tags,
    v.views as views,
    v.likes as likes,
    v.comments as comments,
    v.likes + v.comments as engagement,
    {{ marts_collection_ratio('v.likes + v.comments', 'v.views', 100) }} as er,
    v.duration_seconds as duration_seconds,
    v.is_short as is_short,
    v.thumbnail_url as thumbnail_url,
    v.publish_time as publish_time,
    ch.subscribers as channel_subscribers,
    v.first_scraped_at as first_scraped_at,
    v.last_scraped_at as last_scraped_at,
    v.scrape_count as scrape_count
from videos as v
left join {{ ref('stg_beat_youtube_channel') }} as ch on v.channel_id = ch.channel_id
