{{ config(
    materialized='table',
    tags=['collections'],
    order_by='(collection_id, date)',
    partition_by='toYYYYMM(date)'
) }}

{#- How a collection's totals grew, day by day: the collection's engagement chart.
    For each day with a scrape of any of its posts, the totals are the sum over its posts
    of each post's latest value up to that day (a post not re-scraped that day still
    counts with what it had). Computed without a dense post x day grid: per post the
    change since its previous snapshot (lagInFrame), summed per day, then a running sum. -#}

with collection_posts as (
    select distinct
        collection_id,
        post_short_code as shortcode
    from {{ ref('mart_collection_post') }}
),

changes as (
    select
        cp.collection_id as collection_id,
        s.date as date,
        s.likes - lagInFrame(s.likes, 1, 0) over post_days as likes_change,
        s.comments - lagInFrame(s.comments, 1, 0) over post_days as comments_change,
        s.views - lagInFrame(s.views, 1, 0) over post_days as views_change,
        s.plays - lagInFrame(s.plays, 1, 0) over post_days as plays_change,
        row_number() over post_days = 1 as is_first_snapshot
    from {{ ref('mart_staging_collection_post_snapshots') }} as s final
    inner join collection_posts as cp on s.shortcode = cp.shortcode
    window post_days as (
        partition by cp.collection_id, s.shortcode order by s.date
        rows between unbounded preceding and current row
    )
),

daily as (
    select
        collection_id,
        date,
        sum(likes_change) as likes_gained,
        sum(comments_change) as comments_gained,
        sum(views_change) as views_gained,
        sum(plays_change) as plays_gained,
        toUInt64(countIf(is_first_snapshot)) as new_posts
    from changes
    group by collection_id, date
)

select
    toUInt64(collection_id) as collection_id,
    date,
    toInt64(sum(likes_gained) over running) as likes,
    toInt64(sum(comments_gained) over running) as comments,
    toInt64(sum(views_gained) over running) as views,
    toInt64(sum(plays_gained) over running) as plays,
    toInt64(sum(likes_gained + comments_gained) over running) as engagement,
    toUInt64(sum(new_posts) over running) as posts_tracked,
    toInt64(likes_gained) as likes_gained,
    toInt64(comments_gained) as comments_gained,
    toInt64(views_gained) as views_gained,
    toInt64(likes_gained + comments_gained) as engagement_gained
from daily
window running as (partition by collection_id order by date rows between unbounded preceding and current row)
