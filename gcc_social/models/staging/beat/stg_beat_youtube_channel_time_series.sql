{{ config(
    materialized='incremental',
    incremental_strategy='append',
    engine='ReplacingMergeTree(created_at)',
    order_by='(channel_id, date)',
    tags=['core']
) }}

{#- One snapshot per channel and day, the row beat wrote last wins; lookback on
    created_at (see stg_beat_instagram_account_time_series). -#}

select
    channel_id,
    date,
    subscribers,
    views,
    video_count,
    created_at
from {{ source('beat', 'youtube_channel_time_series') }}
{{ incremental_lookback('created_at') }}
order by channel_id, date, created_at desc
limit 1 by channel_id, date
