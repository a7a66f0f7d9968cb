{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='(platform_id, gender, age)',
) }}

-- Gender x age pyramid for the audience tab. Sources report the two distributions
-- separately, so the joint share is estimated as their product (independence) and
-- scaled to followers / subscribers for the "est. people" figure.
with audience AS (
    select 'INSTAGRAM' AS platform, profile_id AS platform_id, dimension, upper(key) AS key, share
    from {{ ref('stg_beat_instagram_audience') }}
    where dimension in ('gender', 'age')
    union all
    select 'YOUTUBE' AS platform, channel_id AS platform_id, dimension, upper(key) AS key, share
    from {{ ref('stg_beat_youtube_audience') }}
    where dimension in ('gender', 'age')
),

genders AS (
    select platform, platform_id, key AS gender, share AS gender_share
    from audience where dimension = 'gender'
),

ages AS (
    select platform, platform_id, key AS age, share AS age_share
    from audience where dimension = 'age'
),

audience_size AS (
    select 'INSTAGRAM' AS platform, profile_id AS platform_id, toInt64(ifNull(followers, 0)) AS audience_size
    from {{ ref('stg_beat_instagram_account') }}
    union all
    select 'YOUTUBE' AS platform, channel_id AS platform_id, toInt64(ifNull(subscribers, 0)) AS audience_size
    from {{ ref('stg_beat_youtube_channel') }}
)

select
    g.platform_id AS platform_id,
    g.platform AS platform,
    g.gender AS gender,
    a.age AS age,
    toFloat64(g.gender_share) AS gender_share,
    toFloat64(a.age_share) AS age_share,
    toFloat64(g.gender_share * a.age_share) AS share,
    toInt64(round(g.gender_share * a.age_share * ifNull(s.audience_size, 0))) AS estimated_people
from genders g
inner join ages a on a.platform = g.platform and a.platform_id = g.platform_id
left join audience_size s on s.platform = g.platform and s.platform_id = g.platform_id
