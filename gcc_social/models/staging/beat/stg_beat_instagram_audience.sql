{{ config(materialized='table', order_by='(profile_id, dimension, key)', tags=['core']) }}

{#- Only the latest audience snapshot per profile and dimension: taking the latest row
    per key would keep keys that dropped out of newer snapshots and the shares would no
    longer sum to ~1. -#}

with cleaned as (
    select
        profile_id,
        lower(trimBoth(dimension)) as dimension,
        multiIf(
            lower(trimBoth(dimension)) in ('gender', 'country'), upper(trimBoth(key)),
            lower(trimBoth(dimension)) = 'language', lower(trimBoth(key)),
            trimBoth(key)
        ) as key,
        share,
        updated_at,
        max(updated_at) over (partition by profile_id, lower(trimBoth(dimension))) as snapshot_at
    from {{ source('beat', 'instagram_audience') }}
)

select profile_id, dimension, key, share, updated_at
from cleaned
where updated_at = snapshot_at and key != ''
order by profile_id, dimension, key, share desc
limit 1 by profile_id, dimension, key
