{{ config(materialized='table', order_by='(channel_id, month)', tags=['core']) }}

{#- Latest vidooly estimate per channel and month; month normalised to its first day. -#}

select
    channel_id,
    toStartOfMonth(month) as month,
    est_monthly_views,
    est_monthly_earning_low,
    est_monthly_earning_high,
    subscriber_rank,
    updated_at
from {{ source('vidooly', 'youtube_channel_stats') }}
order by channel_id, month, updated_at desc
limit 1 by channel_id, month
