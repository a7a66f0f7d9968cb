{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='channel_id',
) }}

-- YouTube audience card: dominant gender / age / country and the gender split.
select
    channel_id,
    'YOUTUBE' as platform,
    {{ audience_card_columns() }},
    toUInt64(uniqExactIf(key, dimension = 'country')) as audience_countries,
    max(updated_at) as updated_at
from {{ ref('stg_beat_youtube_audience') }}
group by channel_id
