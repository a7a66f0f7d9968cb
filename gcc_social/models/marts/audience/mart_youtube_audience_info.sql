{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='channel_id',
) }}

-- YouTube audience card: dominant gender / age / country and the gender split.
select
    channel_id,
    'YOUTUBE' AS platform,
    upper({{ audience_top_key('gender') }}) AS top_audience_gender,
    {{ audience_top_share('gender') }} AS top_audience_gender_share,
    {{ audience_key_share('gender', 'FEMALE') }} AS audience_female_share,
    {{ audience_key_share('gender', 'MALE') }} AS audience_male_share,
    {{ audience_top_key('age') }} AS top_audience_age,
    {{ audience_top_share('age') }} AS top_audience_age_share,
    {{ audience_top_key('country') }} AS top_audience_country,
    {{ audience_top_share('country') }} AS top_audience_country_share,
    toUInt64(uniqExactIf(key, dimension = 'country')) AS audience_countries,
    max(updated_at) AS updated_at
from {{ ref('stg_beat_youtube_audience') }}
group by channel_id
