{#- last_month_ranks of a row equal current_month_ranks of the same creator's row for the
    calendar month before; without such a row every last-month rank is 0. -#}
with lb as (
    select month, profile_platform, platform_id, current_month_ranks, last_month_ranks
    from {{ ref('mart_leaderboard') }}
)

select cur.month, cur.profile_platform, cur.platform_id
from lb cur
left join lb prev
    on prev.profile_platform = cur.profile_platform
    and prev.platform_id = cur.platform_id
    and prev.month = addMonths(cur.month, -1)
where if(prev.platform_id = '',
         arrayExists(v -> v != 0, mapValues(cur.last_month_ranks)),
         toString(cur.last_month_ranks) != toString(prev.current_month_ranks))
