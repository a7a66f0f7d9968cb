{{ config(
    materialized='table',
    tags=['collections'],
    order_by='(collection_id, platform, platform_id)',
    query_settings={'join_use_nulls': 1}
) }}

{#- The shortlist screen: every creator in a profile collection with the numbers a brand
    compares (followers, ER, recent averages, follower group) and what a story would reach
    today (the current branch of the story-reach formula). Creators beat has not scraped
    yet are listed with is_scraped = 0 and empty numbers. -#}

with items as (
    select
        collection_id,
        platform,
        platform_id,
        min(item_id) as item_id,
        any(collection_name) as collection_name,
        any(brand_id) as brand_id,
        any(campaign_id) as campaign_id,
        min(created_at) as added_at
    from {{ ref('mart_staging_collection_profile_items') }}
    group by collection_id, platform, platform_id
)

select
    toUInt64(i.collection_id) as collection_id,
    i.platform as platform,
    i.platform_id as platform_id,
    toUInt64(i.item_id) as item_id,
    i.collection_name as collection_name,
    toUInt64(i.brand_id) as brand_id,
    i.campaign_id as campaign_id,
    p.handle as handle,
    p.name as name,
    p.category as category,
    p.country as country,
    p.language as language,
    p.followers as followers,
    p.following as following,
    p.media_count as media_count,
    {{ discovery_follower_group('p.followers') }} as follower_group,
    p.engagement_rate as engagement_rate,
    p.posts_90d as posts_90d,
    CAST(p.avg_likes, 'Nullable(Float64)') as avg_likes,
    CAST(p.avg_comments, 'Nullable(Float64)') as avg_comments,
    CAST(p.avg_views, 'Nullable(Float64)') as avg_views,
    if(
        i.platform = 'INSTAGRAM',
        {{ marts_collection_story_reach('p.followers', 'p.engagement_rate', 'now()') }},
        NULL
    ) as estimated_story_reach,
    i.added_at as added_at,
    p.last_scraped_at as last_scraped_at,
    toUInt8(p.platform_id is not NULL) as is_scraped
from items as i
left join {{ ref('mart_staging_collection_profile_latest') }} as p
    on i.platform = p.platform and i.platform_id = p.platform_id
