{{ config(materialized='table', tags=['staging_collections'], order_by='shortcode') }}

{#- Latest state of every collected Instagram post. argMax over the scrapes gives the
    latest known value per column (it skips NULLs, so a scrape that missed views keeps
    the previous count). The IN filter reads only collected shortcodes through the
    staging table's primary key instead of aggregating every post. -#}

select
    shortcode,
    argMax(profile_id, updated_at) as profile_id,
    argMax(post_type, updated_at) as post_type,
    argMax(caption, updated_at) as caption,
    argMax(hashtags, updated_at) as hashtags,
    argMax(mentions, updated_at) as mentions,
    toInt64(argMax(likes, updated_at)) as likes,
    toInt64(argMax(comments, updated_at)) as comments,
    CAST(argMax(views, updated_at), 'Nullable(Int64)') as views,
    CAST(argMax(plays, updated_at), 'Nullable(Int64)') as plays,
    CAST(argMax(reach, updated_at), 'Nullable(Int64)') as reach,
    CAST(argMax(impressions, updated_at), 'Nullable(Int64)') as impressions,
    CAST(argMax(saves, updated_at), 'Nullable(Int64)') as saves,
    CAST(argMax(shares, updated_at), 'Nullable(Int64)') as shares,
    CAST(argMax(profile_follower, updated_at), 'Nullable(Int64)') as profile_follower,
    CAST(argMax(profile_er, updated_at), 'Nullable(Float64)') as profile_er,
    argMax(thumbnail_url, updated_at) as thumbnail_url,
    argMax(is_sponsored, updated_at) as is_sponsored,
    argMax(publish_time, updated_at) as publish_time,
    likes + comments as engagement,
    {{ marts_collection_ratio('likes + comments', 'profile_follower', 100) }} as er,
    min(updated_at) as first_scraped_at,
    max(updated_at) as last_scraped_at,
    toUInt64(uniqExact(updated_at)) as scrape_count
from {{ ref('stg_beat_instagram_post') }} /* dedup: argMax/max/uniqExact over updated_at per shortcode */
where
    shortcode in (
        select short_code from {{ ref('mart_staging_collection_post_items') }} where platform = 'INSTAGRAM'
    )
group by shortcode
