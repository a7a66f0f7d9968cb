{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(platform, category, rank)',
) }}

-- The top creators of each genre by audience size (ties broken by engagement, then id
-- so the ranking is stable between runs).
{%- set top_n = var('genre_top_creators', 50) %}
with creators as (
    {{ genre_creators() }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by platform, category
            order by followers desc, ifNull(engagement_rate, 0) desc, platform_id
        ) as creator_rank
    from creators
)

select
    platform,
    category,
    toUInt64(creator_rank) as rank,
    platform_id,
    handle,
    name,
    country,
    language,
    followers,
    engagement_rate,
    growth30d as followers_growth30d
from ranked
where creator_rank <= {{ top_n }}
