{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key='shortcode',
    engine='ReplacingMergeTree(last_scraped_at)',
    tags=['core'],
    meta={'batch_rows': 2000000},
    order_by='shortcode',
    partition_by='toYYYYMM(publish_time)',
    settings={'enable_block_number_column': 1, 'enable_block_offset_column': 1},
    query_settings={'lightweight_delete_mode': 'lightweight_update', 'optimize_on_insert': 0},
) }}

-- Latest state of every Instagram post: each re-scrape updates likes/comments, so the
-- newest non-NULL value of every field wins (argMax skips NULLs, so a scrape that missed
-- a counter does not blank it). Every 15 minutes only the posts scraped within the
-- lookback are recomputed and replaced (delete_insert), not all of them; the engine
-- folds any leftover duplicate on merge. The delete writes patch parts (lightweight
-- update) instead of a mutation over every part: 0.6 s instead of 6 s at 5M posts. The
-- GROUP BY already gives one row per post, so inserts skip the engine's own dedup.
{#- A full build reads the columns staging never leaves NULL from each post's newest
    scrape, found by a narrow max(updated_at) per post: argMax states for arrays and
    long strings made one wide GROUP BY over every scrape the slowest step of the
    build. The nullable ones (a counter a scrape can miss) keep argMax, which skips
    NULLs. An incremental run touches a few thousand posts, where the plain GROUP BY
    reads staging once instead of three times. Both give the same rows. -#}
{%- set newest_columns = ['profile_id', 'post_type', 'hashtags', 'mentions', 'likes', 'comments',
                          'is_sponsored', 'publish_time'] %}
{%- set nullable_columns = ['caption', 'views', 'plays', 'reach', 'impressions', 'saves', 'shares',
                            'profile_follower', 'profile_er', 'thumbnail_url'] %}
{%- set scrape_stats -%}
        min(created_at) as first_scraped_at,
        max(updated_at) as last_scraped_at,
        -- distinct scrapes: staging may still hold a re-read copy of a scrape until it merges
        toUInt64(uniqExact(updated_at)) as scrape_count
{%- endset %}
with scrapes as (
    select *
    from {{ ref('stg_beat_instagram_post') }} /* dedup: argMax/max/min/uniqExact over updated_at per shortcode */
    {{ changed_keys('shortcode', ref('stg_beat_instagram_post'), 'updated_at', 'last_scraped_at') }}
    {#- a full build goes a slice of posts at a time (macros/partition_batches.sql) -#}
    {{ batch_where('range', 'shortcode', ref('stg_beat_instagram_post')) }}
),
{%- if is_incremental() %}

latest as (
    select
        shortcode,
        {%- for col in newest_columns + nullable_columns %}
        argMax({{ col }}, updated_at) as {{ col }},
        {%- endfor %}
        {{ scrape_stats }}
    from scrapes
    group by shortcode
)
{%- else %}

scrape_stats as (
    select
        shortcode,
        {%- for col in nullable_columns %}
        argMax({{ col }}, updated_at) as {{ col }},
        {%- endfor %}
        {{ scrape_stats }}
    from scrapes
    group by shortcode
),

newest_scrape as (
    select
        shortcode,
        {{ newest_columns | join(',\n        ') }}
    from scrapes  -- noqa: AL04
    where cityHash64(shortcode, updated_at) in (
        select cityHash64(shortcode, max(updated_at))
        from scrapes
        group by shortcode
    )
    -- re-read copies of the newest scrape are identical: any one will do
    limit 1 by shortcode  -- noqa: AM09
),

latest as (
    select
        n.shortcode as shortcode,
        {%- for col in newest_columns %}
        n.{{ col }} as {{ col }},
        {%- endfor %}
        {%- for col in nullable_columns %}
        s.{{ col }} as {{ col }},
        {%- endfor %}
        s.first_scraped_at as first_scraped_at,
        s.last_scraped_at as last_scraped_at,
        s.scrape_count as scrape_count
    from newest_scrape n
    inner join scrape_stats s on s.shortcode = n.shortcode
)
{%- endif %}

select
    shortcode,
    profile_id,
    post_type,
    caption,
    arrayDistinct(arrayMap(x -> lower(x), hashtags)) as hashtags,
    arrayMap(x -> lower(x), mentions) as mentions,
    toInt64(ifNull(likes, 0)) as likes,
    toInt64(ifNull(comments, 0)) as comments,
    toInt64(views) as views,
    toInt64(plays) as plays,
    toInt64(reach) as reach,
    toInt64(impressions) as impressions,
    toInt64(saves) as saves,
    toInt64(shares) as shares,
    toInt64(ifNull(likes, 0) + ifNull(comments, 0)) as engagement,
    toInt64(profile_follower) as profile_follower,
    profile_er,
    -- engagement relative to the audience the post had when it was scraped
    {{ engagement_rate('toFloat64(ifNull(likes, 0) + ifNull(comments, 0))', 'profile_follower') }} as engagement_rate,
    {{ engagement_rate('toFloat64(coalesce(plays, views, 0))', 'profile_follower') }} as view_rate,
    thumbnail_url,
    toUInt8(is_sponsored) as is_sponsored,
    publish_time,
    toDate(publish_time) as publish_date,
    first_scraped_at,
    last_scraped_at,
    scrape_count
from latest
