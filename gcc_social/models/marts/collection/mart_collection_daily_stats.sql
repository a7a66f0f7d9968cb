{{ config(
    materialized='table',
    tags=['collections'],
    order_by='(collection_id, date)',
    partition_by='toYYYYMM(date)'
) }}

{#- A collection's posting calendar: per publish day, how many of its posts went live, by
    how many creators, the engagement and reach those posts have earned so far, and the
    running totals (window sums) a cumulative chart draws. -#}

with daily as (
    select
        collection_id,
        toDate(assumeNotNull(publish_time)) as date,
        toUInt64(count()) as posts_published,
        toUInt64(countIf(post_type = 'story')) as stories_published,
        toUInt64(uniqExact(platform, platform_id)) as creators_posting,
        toInt64(COALESCE(sum(likes), 0)) as likes,
        toInt64(COALESCE(sum(comments), 0)) as comments,
        toInt64(COALESCE(sum(views), 0)) as views,
        toInt64(COALESCE(sum(engagement), 0)) as engagement,
        toInt64(COALESCE(sum(estimated_reach), 0)) as estimated_reach
    from {{ ref('mart_collection_post') }}
    where is_scraped = 1 and publish_time is not NULL
    group by collection_id, date
)

select
    collection_id,
    date,
    posts_published,
    stories_published,
    creators_posting,
    likes,
    comments,
    views,
    engagement,
    estimated_reach,
    {{ marts_collection_ratio('engagement', 'posts_published') }} as avg_engagement_per_post,
    toUInt64(sum(posts_published) over running) as cumulative_posts,
    toInt64(sum(engagement) over running) as cumulative_engagement,
    toInt64(sum(estimated_reach) over running) as cumulative_reach
from daily
window running as (partition by collection_id order by date rows between unbounded preceding and current row)
