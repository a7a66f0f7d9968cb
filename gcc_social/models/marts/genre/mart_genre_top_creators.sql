{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(platform, category, rank)',
) }}

-- The top creators of each genre by audience size (ties broken by engagement, then id
-- so the ranking is stable between runs).
{%- set top_n = var('genre_top_creators', 50) %}
with creators AS (
    {{ genre_creators() }}
),

ranked AS (
    select
        *,
        row_number() over (
            partition by platform, category
            order by followers desc, ifNull(engagement_rate, 0) desc, platform_id
        ) AS creator_rank
    from creators
)

select
    platform,
    category,
    toUInt64(creator_rank) AS rank,
    platform_id,
    handle,
    name,
    country,
    language,
    followers,
    engagement_rate,
    growth30d AS followers_growth30d
from ranked
where creator_rank <= {{ top_n }}
