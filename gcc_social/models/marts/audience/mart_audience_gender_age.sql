{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='(platform_id, gender, age)',
) }}

-- Gender x age pyramid for the audience tab. Sources report the two distributions
-- separately, so the joint share is estimated as their product (independence) and
-- scaled to followers / subscribers for the "est. people" figure.
with audience as (
    select 'INSTAGRAM' as platform, profile_id as platform_id, dimension, upper(key) as key, share
    from {{ ref('stg_beat_instagram_audience') }}
    where dimension in ('gender', 'age')
    union all
    select 'YOUTUBE' as platform, channel_id as platform_id, dimension, upper(key) as key, share
    from {{ ref('stg_beat_youtube_audience') }}
    where dimension in ('gender', 'age')
),

genders as (
    select platform, platform_id, key as gender, share as gender_share
    from audience where dimension = 'gender'
),

ages as (
    select platform, platform_id, key as age, share as age_share
    from audience where dimension = 'age'
),

audience_size as (
    select 'INSTAGRAM' as platform, profile_id as platform_id, toInt64(ifNull(followers, 0)) as audience_size
    from {{ ref('stg_beat_instagram_account') }}
    union all
    select 'YOUTUBE' as platform, channel_id as platform_id, toInt64(ifNull(subscribers, 0)) as audience_size
    from {{ ref('stg_beat_youtube_channel') }}
)

select
    g.platform_id as platform_id,
    g.platform as platform,
    g.gender as gender,
    a.age as age,
    toFloat64(g.gender_share) as gender_share,
    toFloat64(a.age_share) as age_share,
    toFloat64(g.gender_share * a.age_share) as share,
    toInt64(round(g.gender_share * a.age_share * ifNull(s.audience_size, 0))) as estimated_people
from genders g
inner join ages a on a.platform = g.platform and a.platform_id = g.platform_id
left join audience_size s on s.platform = g.platform and s.platform_id = g.platform_id
