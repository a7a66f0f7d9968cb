{{ config(
    materialized='table',
    tags=['collections'],
    order_by='collection_id',
    query_settings={'join_use_nulls': 1}
) }}

{#- One row per post collection: the header of the collection page. Totals are sums over
    mart_collection_post (a test holds them to that); a collection without posts yet shows
    zeros. avg_er is the mean of the posts' ER, engagement_rate pools engagement over the
    followers behind each post. -#}

with totals as (
    select
        collection_id,
        toUInt64(count()) as posts,
        toUInt64(countIf(is_scraped = 1)) as scraped_posts,
        toUInt64(countIf(platform = 'INSTAGRAM')) as instagram_posts,
        toUInt64(countIf(platform = 'YOUTUBE')) as youtube_posts,
        toUInt64(countIf(post_type = 'story')) as story_posts,
        toUInt64(uniqExactIf((platform, platform_id), platform_id is not NULL)) as creators,
        toInt64(COALESCE(sum(likes), 0)) as likes,
        toInt64(COALESCE(sum(comments), 0)) as comments,
        toInt64(COALESCE(sum(views), 0)) as views,
        toInt64(COALESCE(sum(plays), 0)) as plays,
        toInt64(COALESCE(sum(engagement), 0)) as engagement,
        toInt64(COALESCE(sum(estimated_reach), 0)) as estimated_reach,
        toInt64(COALESCE(sum(story_reach_estimate), 0)) as story_reach_estimate,
        CAST(avgIf(er, er is not NULL), 'Nullable(Float64)') as avg_er,
        toInt64(COALESCE(sumIf(cp.profile_follower, cp.engagement is not NULL), 0)) as followers_reached,
        min(publish_time) as first_post_at,
        max(publish_time) as last_post_at,
        max(last_scraped_at) as last_scraped_at
    from {{ ref('mart_collection_post') }} as cp
    group by collection_id
)

select
    toUInt64(c.id) as collection_id,
    c.name as collection_name,
    toUInt64(c.brand_id) as brand_id,
    c.campaign_id as campaign_id,
    COALESCE(t.posts, 0) as posts,
    COALESCE(t.scraped_posts, 0) as scraped_posts,
    COALESCE(t.posts, 0) - COALESCE(t.scraped_posts, 0) as pending_posts,
    COALESCE(t.instagram_posts, 0) as instagram_posts,
    COALESCE(t.youtube_posts, 0) as youtube_posts,
    COALESCE(t.story_posts, 0) as story_posts,
    COALESCE(t.creators, 0) as creators,
    COALESCE(t.likes, 0) as likes,
    COALESCE(t.comments, 0) as comments,
    COALESCE(t.views, 0) as views,
    COALESCE(t.plays, 0) as plays,
    COALESCE(t.engagement, 0) as engagement,
    COALESCE(t.estimated_reach, 0) as estimated_reach,
    COALESCE(t.story_reach_estimate, 0) as story_reach_estimate,
    t.avg_er as avg_er,
    {{ marts_collection_ratio('t.engagement', 't.followers_reached', 100) }} as engagement_rate,
    t.first_post_at as first_post_at,
    t.last_post_at as last_post_at,
    t.last_scraped_at as last_scraped_at,
    c.created_at as created_at
from {{ ref('stg_coffee_collection') }} as c
left join totals as t on c.id = t.collection_id
where c.type = 'POST' or t.collection_id is not NULL
