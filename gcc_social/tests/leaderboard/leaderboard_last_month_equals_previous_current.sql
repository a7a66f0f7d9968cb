{#- last_month_ranks of a row equal current_month_ranks of the same creator's row for the
    calendar month before; without such a row every last-month rank is 0. Maps are
    compared by a hash of their keys and values (in order), so the self-join carries two
    integers per row instead of two 28-entry maps. -#}
with lb as (
    select
        month,
        profile_platform,
        platform_id,
        cityHash64(mapKeys(current_month_ranks), mapValues(current_month_ranks)) as current_ranks_hash,
        cityHash64(mapKeys(last_month_ranks), mapValues(last_month_ranks)) as last_ranks_hash,
        arrayExists(v -> v != 0, mapValues(last_month_ranks)) as has_last_rank
    from {{ ref('mart_leaderboard') }}
)

select cur.month, cur.profile_platform, cur.platform_id
from lb cur
left join lb prev
    on prev.profile_platform = cur.profile_platform
    and prev.platform_id = cur.platform_id
    and prev.month = addMonths(cur.month, -1)
where if(prev.platform_id = '', cur.has_last_rank, cur.last_ranks_hash != prev.current_ranks_hash)
