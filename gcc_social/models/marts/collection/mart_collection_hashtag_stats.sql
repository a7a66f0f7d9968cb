{{ config(materialized='table', tags=['collections'], order_by='(collection_id, hashtag)') }}

{#- The hashtag table of a collection: how many of its Instagram posts use each tag, how
    much engagement those posts earned, and the tag's rank within the collection
    (by posts, then engagement). -#}

with instagram_posts as (
    select
        collection_id,
        toUInt64(countIf(is_scraped = 1)) as scraped_posts
    from {{ ref('mart_collection_post') }}
    where platform = 'INSTAGRAM'
    group by collection_id
)

select
    h.collection_id as collection_id,
    h.hashtag as hashtag,
    h.posts as posts,
    h.creators as creators,
    h.likes as likes,
    h.comments as comments,
    h.engagement as engagement,
    {{ marts_collection_ratio('h.posts', 'p.scraped_posts') }} as share_of_posts,
    {{ marts_collection_ratio('h.engagement', 'h.posts') }} as avg_engagement_per_post,
    toUInt64(rank() over (partition by h.collection_id order by h.posts desc, h.engagement desc)) as hashtag_rank,
    h.first_used_at as first_used_at,
    h.last_used_at as last_used_at
from {{ ref('mart_staging_collection_hashtags') }} as h
left join instagram_posts as p on h.collection_id = p.collection_id
