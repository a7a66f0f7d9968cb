{{ config(
    materialized='incremental',
    incremental_strategy='append',
    engine='ReplacingMergeTree(updated_at)',
    order_by='(video_id, updated_at)',
    tags=['core'],
    query_settings={'optimize_on_insert': 0},
    meta={'batch_rows': 2000000},
) }}

{#- Every scrape of a video is kept (marts take argMax over updated_at); see
    stg_beat_instagram_post for the lookback, FINAL and optimize_on_insert rules. er is engagement per
    view, the YouTube convention. A first build sorts every scrape's wide row (tags,
    title) for LIMIT 1 BY, so it goes in batches of at most 2M source rows: 5M-row
    batches needed 2.8 GB at 1M creators. -#}

with scrapes as (
    select *
    from {{ source('beat', 'youtube_video') }}
    {{ incremental_lookback('updated_at') }}
    {{ batch_where('month', 'publish_time', source('beat', 'youtube_video')) }}
    order by video_id, updated_at, id desc
    limit 1 by video_id, updated_at
)

select
    id,
    trimBoth(video_id) as video_id,
    channel_id,
    nullIf(trimBoth(title), '') as title,
    arrayFilter(t -> t != '', arrayMap(t -> lower(trimBoth(t)), tags)) as tags,
    ifNull(views, 0) as views,
    ifNull(likes, 0) as likes,
    ifNull(comments, 0) as comments,
    duration_seconds,
    is_short,
    thumbnail_url,
    publish_time,
    created_at,
    updated_at,
    likes + comments as engagement,
    {{ engagement_rate('likes + comments', 'views') }} as er
from scrapes
where video_id != ''
