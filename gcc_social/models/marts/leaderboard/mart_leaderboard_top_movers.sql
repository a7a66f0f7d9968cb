{{ config(materialized='table', tags=['daily'], order_by='(month, profile_platform, platform_id)') }}

{#- Biggest climbs and drops of the global followers rank against last month, 100 each per
    month and platform. Only creators ranked in both months move; rank_change > 0 is a
    climb (rank 50 -> 10 = +40). -#}
{%- set movers_per_direction = 100 %}

with moves as (
    select
        month,
        profile_platform,
        platform_id,
        handle,
        category,
        followers,
        followers_change,
        current_month_ranks['followers_rank'] as followers_rank,
        last_month_ranks['followers_rank'] as followers_rank_prev,
        toInt64(followers_rank_prev) - toInt64(followers_rank) as rank_change,
        if(rank_change > 0, 'CLIMB', 'DROP') as direction
    from {{ ref('mart_leaderboard') }}
    where current_month_ranks['followers_rank'] > 0
      and last_month_ranks['followers_rank'] > 0
      and current_month_ranks['followers_rank'] != last_month_ranks['followers_rank']
),

ordered as (
    select
        *,
        toUInt64(row_number() over (
            partition by month, profile_platform, direction
            order by abs(rank_change) desc, followers desc, platform_id
        )) as mover_rank
    from moves
)

select
    month,
    profile_platform,
    platform_id,
    handle,
    category,
    followers,
    followers_change,
    followers_rank,
    followers_rank_prev,
    rank_change,
    direction,
    mover_rank
from ordered
where mover_rank <= {{ movers_per_direction }}
