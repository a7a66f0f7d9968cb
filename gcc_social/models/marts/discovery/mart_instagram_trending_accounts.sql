{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='profile_id',
) }}

-- "Trending creators": accounts growing fastest relative to their size over the last
-- 7 days (30 days as a tie-breaker), ranked overall and within their category. Tiny
-- accounts are left out because a few follows swing their percentages wildly.
with growth as (
    select
        profile_id,
        handle,
        name,
        ifNull(category, 'Uncategorised') as category,
        country,
        follower_group,
        followers,
        engagement_rate,
        followers_growth7d,
        followers_growth30d,
        round({{ discovery_safe_div('followers_growth7d', 'followers_7d_ago') }} * 100, 4) as growth7d_pct,
        round({{ discovery_safe_div('followers_growth30d', 'followers_30d_ago') }} * 100, 4) as growth30d_pct
    from {{ ref('mart_instagram_account') }}
    where followers >= {{ var('trending_min_followers', 1000) }}
      and followers_growth7d > 0
)

select
    profile_id,
    handle,
    name,
    category,
    country,
    follower_group,
    followers,
    engagement_rate,
    followers_growth7d,
    followers_growth30d,
    growth7d_pct,
    growth30d_pct,
    toUInt64(row_number() over (order by growth7d_pct desc, ifNull(growth30d_pct, 0) desc, profile_id)) as trend_rank,
    toUInt64(row_number() over (partition by category order by growth7d_pct desc, ifNull(growth30d_pct, 0) desc, profile_id)) as category_trend_rank
from growth
where growth7d_pct is not NULL
