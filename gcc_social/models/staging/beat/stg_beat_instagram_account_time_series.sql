{{ config(
    materialized='incremental',
    incremental_strategy='append',
    engine='ReplacingMergeTree(created_at)',
    order_by='(profile_id, date)',
    tags=['core']
) }}

{#- One follower snapshot per profile and day; the row beat wrote last wins (a late or
    corrected snapshot replaces the earlier one). The lookback runs on created_at, the
    time beat wrote the row, so a snapshot for an old date that arrives late is still
    picked up. -#}

select
    profile_id,
    date,
    followers,
    following,
    media_count,
    created_at
from {{ source('beat', 'instagram_account_time_series') }}
{{ incremental_lookback('created_at') }}
order by profile_id, date, created_at desc
limit 1 by profile_id, date
