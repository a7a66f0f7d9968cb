{{ config(materialized='table', order_by='(channel_id, dimension, key)', tags=['core']) }}

{#- Only the latest audience snapshot per channel and dimension: taking the latest row
    per key would keep keys that dropped out of newer snapshots and the shares would no
    longer sum to ~1. -#}

with cleaned as (
    select
        channel_id,
        lower(trimBoth(dimension)) as dimension,
        multiIf(
            lower(trimBoth(dimension)) in ('gender', 'country'), upper(trimBoth(key)),
            lower(trimBoth(dimension)) = 'language', lower(trimBoth(key)),
            trimBoth(key)
        ) as key,
        share,
        updated_at,
        max(updated_at) over (partition by channel_id, lower(trimBoth(dimension))) as snapshot_at
    from {{ source('beat', 'youtube_audience') }}
)

select channel_id, dimension, key, share, updated_at
from cleaned
where updated_at = snapshot_at and key != ''
order by channel_id, dimension, key, share desc
limit 1 by channel_id, dimension, key
