{#- Both rank maps of every mart_leaderboard row carry exactly the 28 rank keys. -#}
select month, profile_platform, platform_id
from {{ ref('mart_leaderboard') }}
where arraySort(mapKeys(current_month_ranks)) != arraySort({{ marts_leaderboard_rank_keys() | list }})
   or arraySort(mapKeys(last_month_ranks)) != arraySort({{ marts_leaderboard_rank_keys() | list }})
