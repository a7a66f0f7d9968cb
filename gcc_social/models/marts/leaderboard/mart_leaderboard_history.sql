{{ config(materialized='table', tags=['weekly'], order_by='(profile_platform, platform_id, month)',
          meta={'batch_rows': 5000000}, query_settings={'max_block_size': 8192}) }}

{#- Each creator's rank trajectory across the months the leaderboard holds: global
    followers and growth ranks, the change against the previous month (NULL when not
    ranked in both), the best followers rank so far and how many months they have been
    ranked. A first build goes a range of creators at a time (one window over every
    creator-month went over the 3 GB query cap at 1M creators). -#}
with ranks as (
    select
        profile_platform,
        platform_id,
        month,
        handle,
        category,
        followers,
        followers_change,
        nullIf(current_month_ranks['followers_rank'], 0) as followers_rank,
        nullIf(current_month_ranks['followers_change_rank'], 0) as followers_change_rank,
        nullIf(current_month_ranks['followers_rank_by_cat'], 0) as followers_rank_by_cat,
        nullIf(last_month_ranks['followers_rank'], 0) as followers_rank_prev
    from {{ ref('mart_leaderboard') }}
    where {{ batch_slot('range', 'platform_id', ref('mart_leaderboard')) }}
)

select
    profile_platform,
    platform_id,
    month,
    handle,
    category,
    followers,
    followers_change,
    followers_rank,
    followers_change_rank,
    followers_rank_by_cat,
    CAST(toInt64(followers_rank_prev) - toInt64(followers_rank), 'Nullable(Int64)') as followers_rank_change,
    CAST(min(followers_rank) over w, 'Nullable(UInt64)') as best_followers_rank,
    toUInt64(count(followers_rank) over w) as months_ranked,
    CAST(first_value(followers) over w, 'Int64') as first_month_followers,
    toInt64(followers - first_value(followers) over w) as followers_gain_since_first
from ranks
window w as (
    partition by profile_platform, platform_id order by month
    rows between unbounded preceding and current row
)
