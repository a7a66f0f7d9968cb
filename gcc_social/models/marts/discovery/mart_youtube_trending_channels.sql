{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='channel_id',
) }}

-- Fastest-growing YouTube channels by 7-day subscriber growth relative to size.
with growth as (
    select
        channel_id,
        handle,
        title,
        ifNull(category, 'Uncategorised') as category,
        country,
        subscriber_group,
        subscribers,
        avg_views,
        subscribers_growth7d,
        subscribers_growth30d,
        round({{ discovery_safe_div('subscribers_growth7d', 'subscribers_7d_ago') }} * 100, 4) as growth7d_pct,
        round({{ discovery_safe_div('subscribers_growth30d', 'subscribers_30d_ago') }} * 100, 4) as growth30d_pct
    from {{ ref('mart_youtube_account') }}
    where subscribers >= {{ var('trending_min_followers', 1000) }}
      and subscribers_growth7d > 0
)

select
    channel_id,
    handle,
    title,
    category,
    country,
    subscriber_group,
    subscribers,
    avg_views,
    subscribers_growth7d,
    subscribers_growth30d,
    growth7d_pct,
    growth30d_pct,
    toUInt64(row_number() over (order by growth7d_pct desc, ifNull(growth30d_pct, 0) desc, channel_id)) as trend_rank,
    toUInt64(row_number() over (partition by category order by growth7d_pct desc, ifNull(growth30d_pct, 0) desc, channel_id)) as category_trend_rank
from growth
where growth7d_pct is not NULL
