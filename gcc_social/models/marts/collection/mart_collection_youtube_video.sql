{{ config(
    materialized='table',
    tags=['collections'],
    order_by='(collection_id, video_id)',
    query_settings={'join_use_nulls': 1}
) }}

{#- YouTube videos of each collection with what the video page of the SaaS shows: the
    channel, length, short or long form, and views read against the channel's size and
    the video's age. Videos not scraped yet are listed with is_scraped = 0. -#}

with items as (
    select
        collection_id,
        short_code as video_id,
        min(item_id) as item_id,
        any(brand_id) as brand_id,
        min(created_at) as added_at
    from {{ ref('mart_staging_collection_post_items') }}
    where platform = 'YOUTUBE'
    group by collection_id, video_id
)

select
    toUInt64(i.collection_id) as collection_id,
    i.video_id as video_id,
    toUInt64(i.item_id) as item_id,
    toUInt64(i.brand_id) as brand_id,
    v.channel_id as channel_id,
    ch.name as channel_name,
    ch.handle as channel_handle,
    v.title as title,
    v.is_short as is_short,
    v.duration_seconds as duration_seconds,
    v.publish_time as publish_time,
    CAST(v.views, 'Nullable(Int64)') as views,
    CAST(v.likes, 'Nullable(Int64)') as likes,
    CAST(v.comments, 'Nullable(Int64)') as comments,
    CAST(v.engagement, 'Nullable(Int64)') as engagement,
    v.er as er,
    {{ marts_collection_ratio('v.likes', 'v.views', 100) }} as like_rate,
    {{ marts_collection_ratio('v.comments', 'v.views', 100) }} as comment_rate,
    CAST(v.channel_subscribers, 'Nullable(Int64)') as channel_subscribers,
    {{ marts_collection_ratio('v.views', 'v.channel_subscribers') }} as views_per_subscriber,
    {{ marts_collection_ratio('v.views', 'greatest(1, dateDiff(\'day\', v.publish_time, now()))') }} as avg_daily_views,
    i.added_at as added_at,
    v.last_scraped_at as last_scraped_at,
    toUInt8(v.video_id is not NULL) as is_scraped
from items as i
left join {{ ref('mart_staging_collection_video_latest') }} as v on i.video_id = v.video_id
left join {{ ref('mart_staging_collection_profile_latest') }} as ch
    on ch.platform = 'YOUTUBE' and v.channel_id = ch.platform_id
