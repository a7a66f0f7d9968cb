{{ config(materialized='table', tags=['daily'], order_by='(month, profile_platform, category)') }}

{#- Per month, platform and category: how many creators, who leads (most followers; ties
    go to the better followers_rank_by_cat, then the id), median followers and growth.
    Creators without a category are summarised under 'UNCATEGORISED'. -#}
select
    month,
    profile_platform,
    ifNull(category, 'UNCATEGORISED') as category,
    toUInt64(count()) as creators,
    argMin(platform_id, (followers * -1, platform_id)) as leader_platform_id,
    argMin(handle, (followers * -1, platform_id)) as leader_handle,
    toInt64(max(followers)) as leader_followers,
    toInt64(sum(followers)) as total_followers,
    toFloat64(quantileExactInclusive(0.5) (followers)) as median_followers,
    CAST(if(countIf(followers_change is not null) = 0, null, sumIf(followers_change, followers_change is not null)),
         'Nullable(Int64)') as total_followers_change,
    CAST(if(countIf(followers_change is not null) = 0, null,
            quantileExactInclusiveIf(0.5) (followers_change, followers_change is not null)), 'Nullable(Float64)')
        as median_followers_change,
    CAST(if(countIf(engagement_rate is not null) = 0, null,
            round(avgIf(engagement_rate, engagement_rate is not null), 4)), 'Nullable(Float64)')
        as avg_engagement_rate
from {{ ref('mart_leaderboard') }}
group by month, profile_platform, category
