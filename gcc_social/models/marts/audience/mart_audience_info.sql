{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='platform_id',
    query_settings={'join_use_nulls': 1},
) }}

-- Instagram audience card: quality scores plus the dominant gender / age / country / city.
with distribution as (
    select
        profile_id,
        {{ audience_card_columns() }},
        {{ audience_top_key('city') }} as top_audience_city,
        {{ audience_top_share('city') }} as top_audience_city_share,
        {{ audience_top_key('language') }} as top_audience_language,
        max(updated_at) as distribution_updated_at
    from {{ ref('stg_beat_instagram_audience') }}
    group by profile_id
),

quality as (
    select
        profile_id,
        toFloat64(audience_reachability) as audience_reachability,
        toFloat64(audience_authenticity) as audience_authenticity,
        notable_followers,
        updated_at
    from {{ ref('stg_beat_instagram_audience_quality') }}
),

profiles as (
    select profile_id from distribution
    union distinct
    select profile_id from quality
)

select
    p.profile_id as platform_id,
    'INSTAGRAM' as platform,
    q.audience_reachability as audience_reachability,
    -- the original's spelling: the serving layer and the grade columns use this name
    q.audience_authenticity as audience_authencity,
    toInt64(q.notable_followers) as notable_followers,
    d.top_audience_gender as top_audience_gender,
    d.top_audience_gender_share as top_audience_gender_share,
    d.audience_female_share as audience_female_share,
    d.audience_male_share as audience_male_share,
    d.top_audience_age as top_audience_age,
    d.top_audience_age_share as top_audience_age_share,
    d.top_audience_country as top_audience_country,
    d.top_audience_country_share as top_audience_country_share,
    d.top_audience_city as top_audience_city,
    d.top_audience_city_share as top_audience_city_share,
    d.top_audience_language as top_audience_language,
    greatest(ifNull(d.distribution_updated_at, toDateTime(0)), ifNull(q.updated_at, toDateTime(0))) as updated_at
from profiles p
left join distribution d on d.profile_id = p.profile_id
left join quality q on q.profile_id = p.profile_id
