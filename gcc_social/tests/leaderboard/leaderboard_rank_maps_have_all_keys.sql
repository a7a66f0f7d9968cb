{#- Both rank maps of every mart_leaderboard row carry exactly the 28 rank keys. The maps
    are built in the macro's key order, so the order-insensitive comparison (a sort of 56
    keys per row) only runs for a row whose keys are not already in that order. -#}
{%- set keys = marts_leaderboard_rank_keys() | list %}
select month, profile_platform, platform_id
from {{ ref('mart_leaderboard') }}
where (mapKeys(current_month_ranks) != {{ keys }} and arraySort(mapKeys(current_month_ranks)) != arraySort({{ keys }}))
   or (mapKeys(last_month_ranks) != {{ keys }} and arraySort(mapKeys(last_month_ranks)) != arraySort({{ keys }}))
