{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='(platform_id, level, location)',
) }}

-- Where a creator's audience lives, by country and city, ranked within each level and
-- scaled to followers / subscribers.
with audience AS (
    select 'INSTAGRAM' AS platform, profile_id AS platform_id, dimension AS level, key AS location, share
    from {{ ref('stg_beat_instagram_audience') }}
    where dimension in ('country', 'city')
    union all
    select 'YOUTUBE' AS platform, channel_id AS platform_id, dimension AS level, key AS location, share
    from {{ ref('stg_beat_youtube_audience') }}
    where dimension in ('country', 'city')
),

audience_size AS (
    select 'INSTAGRAM' AS platform, profile_id AS platform_id, toInt64(ifNull(followers, 0)) AS audience_size
    from {{ ref('stg_beat_instagram_account') }}
    union all
    select 'YOUTUBE' AS platform, channel_id AS platform_id, toInt64(ifNull(subscribers, 0)) AS audience_size
    from {{ ref('stg_beat_youtube_channel') }}
),

-- a city can arrive as 'Mumbai' and 'Mumbai, Maharashtra': both are the same location
normalised AS (
    select
        platform,
        platform_id,
        toString(level) AS level,
        if(level = 'city', trimBoth(splitByChar(',', location)[1]), upper(trimBoth(location))) AS location,
        toFloat64(sum(share)) AS share
    from audience
    where trimBoth(location) != ''
    group by platform, platform_id, level, location
)

select
    n.platform_id AS platform_id,
    n.platform AS platform,
    n.level AS level,
    n.location AS location,
    n.share AS share,
    toInt64(round(n.share * ifNull(s.audience_size, 0))) AS estimated_people,
    toUInt64(row_number() over (partition by n.platform, n.platform_id, n.level order by n.share desc, n.location)) AS location_rank
from normalised n
left join audience_size s on s.platform = n.platform and s.platform_id = n.platform_id
