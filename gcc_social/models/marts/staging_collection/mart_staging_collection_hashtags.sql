{{ config(materialized='table', tags=['staging_collections'], order_by='(collection_id, hashtag)') }}

{#- Hashtags used by the Instagram posts of each collection (lower-case, without '#'),
    with the posts and engagement behind them. A post in a collection twice counts once. -#}

with collection_posts as (
    select distinct
        collection_id,
        short_code
    from {{ ref('mart_staging_collection_post_items') }}
    where platform = 'INSTAGRAM'
)

select
    cp.collection_id as collection_id,
    hashtag,
    toUInt64(uniqExact(p.shortcode)) as posts,
    toUInt64(uniqExact(p.profile_id)) as creators,
    toInt64(sum(p.likes)) as likes,
    toInt64(sum(p.comments)) as comments,
    toInt64(sum(p.likes + p.comments)) as engagement,
    min(p.publish_time) as first_used_at,
    max(p.publish_time) as last_used_at
from collection_posts as cp
inner join {{ ref('mart_staging_collection_post_latest') }} as p on cp.short_code = p.shortcode
array join arrayDistinct(arrayMap(x -> lower(x), p.hashtags)) as hashtag
where hashtag != ''
group by collection_id, hashtag
