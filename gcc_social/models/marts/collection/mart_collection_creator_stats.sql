{{ config(
    materialized='table',
    tags=['collections'],
    order_by='(collection_id, platform, platform_id)',
    query_settings={'join_use_nulls': 1}
) }}

{#- Who drove a collection: per creator, their posts in it, the engagement and reach they
    earned, their share of the collection's engagement and their rank by it. -#}

with per_creator as (
    select
        collection_id,
        platform,
        assumeNotNull(cp.platform_id) as platform_id,
        toUInt64(count()) as posts,
        toUInt64(countIf(post_type = 'story')) as stories,
        toInt64(COALESCE(sum(likes), 0)) as likes,
        toInt64(COALESCE(sum(comments), 0)) as comments,
        toInt64(COALESCE(sum(views), 0)) as views,
        toInt64(COALESCE(sum(engagement), 0)) as engagement,
        toInt64(COALESCE(sum(estimated_reach), 0)) as estimated_reach,
        CAST(avgIf(er, er is not NULL), 'Nullable(Float64)') as avg_er,
        CAST(argMax(profile_follower, last_scraped_at), 'Nullable(Int64)') as followers,
        max(publish_time) as last_post_at
    from {{ ref('mart_collection_post') }} as cp
    where cp.platform_id is not NULL
    group by collection_id, platform, platform_id
)

select
    c.collection_id as collection_id,
    c.platform as platform,
    c.platform_id as platform_id,
    p.handle as handle,
    p.name as name,
    coalesce(p.followers, c.followers) as followers,
    c.posts as posts,
    c.stories as stories,
    c.likes as likes,
    c.comments as comments,
    c.views as views,
    c.engagement as engagement,
    c.estimated_reach as estimated_reach,
    c.avg_er as avg_er,
    {{ marts_collection_ratio('c.engagement', 'sum(c.engagement) over collection') }} as share_of_engagement,
    toUInt64(rank() over (partition by c.collection_id order by c.engagement desc)) as engagement_rank,
    c.last_post_at as last_post_at
from per_creator as c
left join {{ ref('mart_staging_collection_profile_latest') }} as p
    on c.platform = p.platform and c.platform_id = p.platform_id
window collection as (partition by c.collection_id)
