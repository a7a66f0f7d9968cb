{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='channel_id',
) }}

-- YouTube audience card: dominant gender / age / country and the gender split.
select
    channel_id,
    'YOUTUBE' as platform,
    upper({{ audience_top_key('gender') }}) as top_audience_gender,
    {{ audience_top_share('gender') }} as top_audience_gender_share,
    {{ audience_key_share('gender', 'FEMALE') }} as audience_female_share,
    {{ audience_key_share('gender', 'MALE') }} as audience_male_share,
    {{ audience_top_key('age') }} as top_audience_age,
    {{ audience_top_share('age') }} as top_audience_age_share,
    {{ audience_top_key('country') }} as top_audience_country,
    {{ audience_top_share('country') }} as top_audience_country_share,
    toUInt64(uniqExactIf(key, dimension = 'country')) as audience_countries,
    max(updated_at) as updated_at
from {{ ref('stg_beat_youtube_audience') }}
group by channel_id
