{{ config(
    materialized='table',
    tags=['collections'],
    order_by='collection_id',
    query_settings={'join_use_nulls': 1}
) }}

{#- Header of a profile collection (shortlist): how many creators, how big, how engaged,
    and the spread over follower groups and categories as Map(String, UInt64) so the
    screen draws the bars without another query. -#}

with totals as (
    select
        collection_id,
        toUInt64(count()) as profiles,
        toUInt64(countIf(platform = 'INSTAGRAM')) as instagram_profiles,
        toUInt64(countIf(platform = 'YOUTUBE')) as youtube_profiles,
        toUInt64(countIf(is_scraped = 1)) as scraped_profiles,
        toInt64(COALESCE(sum(followers), 0)) as total_followers,
        CAST(avg(followers), 'Nullable(Float64)') as avg_followers,
        CAST(if(countIf(followers is not NULL) > 0, quantileExactInclusive(0.5) (followers), NULL), 'Nullable(Float64)') as median_followers,
        CAST(avgIf(engagement_rate, engagement_rate is not NULL), 'Nullable(Float64)') as avg_engagement_rate,
        toInt64(COALESCE(sum(estimated_story_reach), 0)) as total_estimated_story_reach,
        max(added_at) as last_added_at
    from {{ ref('mart_collection_profile') }}
    group by collection_id
),

group_counts as (
    select
        collection_id,
        COALESCE(follower_group, 'unknown') as bucket,
        toUInt64(count()) as n
    from {{ ref('mart_collection_profile') }}
    group by collection_id, bucket
),

category_counts as (
    select
        collection_id,
        COALESCE(category, 'unknown') as bucket,
        toUInt64(count()) as n
    from {{ ref('mart_collection_profile') }}
    group by collection_id, bucket
),

maps as (
    select
        g.collection_id as collection_id,
        g.follower_groups as follower_groups,
        c.categories as categories
    from (
        select
            collection_id,
            CAST(mapFromArrays(groupArray(bucket), groupArray(n)), 'Map(String, UInt64)') as follower_groups
        from group_counts group by collection_id
    ) as g
    inner join (
        select
            collection_id,
            CAST(mapFromArrays(groupArray(bucket), groupArray(n)), 'Map(String, UInt64)') as categories
        from category_counts group by collection_id
    ) as c on g.collection_id = c.collection_id
)

select
    toUInt64(c.id) as collection_id,
    c.name as collection_name,
    toUInt64(c.brand_id) as brand_id,
    c.campaign_id as campaign_id,
    COALESCE(t.profiles, 0) as profiles,
    COALESCE(t.instagram_profiles, 0) as instagram_profiles,
    COALESCE(t.youtube_profiles, 0) as youtube_profiles,
    COALESCE(t.scraped_profiles, 0) as scraped_profiles,
    COALESCE(t.total_followers, 0) as total_followers,
    t.avg_followers as avg_followers,
    t.median_followers as median_followers,
    t.avg_engagement_rate as avg_engagement_rate,
    COALESCE(t.total_estimated_story_reach, 0) as total_estimated_story_reach,
    CAST(COALESCE(m.follower_groups, map()), 'Map(String, UInt64)') as follower_groups,
    CAST(COALESCE(m.categories, map()), 'Map(String, UInt64)') as categories,
    t.last_added_at as last_added_at,
    c.created_at as created_at
from {{ ref('stg_coffee_collection') }} as c
left join totals as t on c.id = t.collection_id
left join maps as m on c.id = m.collection_id
where c.type = 'PROFILE' or t.collection_id is not NULL
