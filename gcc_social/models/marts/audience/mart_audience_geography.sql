{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='(platform_id, level, location)',
) }}

-- Where a creator's audience lives, by country and city, ranked within each level and
-- scaled to followers / subscribers.
with audience as (
    select 'INSTAGRAM' as platform, profile_id as platform_id, dimension as level, key as location, share
    from {{ ref('stg_beat_instagram_audience') }}
    where dimension in ('country', 'city')
    union all
    select 'YOUTUBE' as platform, channel_id as platform_id, dimension as level, key as location, share
    from {{ ref('stg_beat_youtube_audience') }}
    where dimension in ('country', 'city')
),

audience_size as (
    select 'INSTAGRAM' as platform, profile_id as platform_id, toInt64(ifNull(followers, 0)) as audience_size
    from {{ ref('stg_beat_instagram_account') }}
    union all
    select 'YOUTUBE' as platform, channel_id as platform_id, toInt64(ifNull(subscribers, 0)) as audience_size
    from {{ ref('stg_beat_youtube_channel') }}
),

-- a city can arrive as 'Mumbai' and 'Mumbai, Maharashtra': both are the same location
normalised as (
    select
        platform,
        platform_id,
        toString(level) as level,
        if(level = 'city', trimBoth(splitByChar(',', location)[1]), upper(trimBoth(location))) as location,
        toFloat64(sum(share)) as share
    from audience
    where trimBoth(location) != ''
    group by platform, platform_id, level, location
)

select
    n.platform_id as platform_id,
    n.platform as platform,
    n.level as level,
    n.location as location,
    n.share as share,
    toInt64(round(n.share * ifNull(s.audience_size, 0))) as estimated_people,
    toUInt64(row_number() over (partition by n.platform, n.platform_id, n.level order by n.share desc, n.location)) as location_rank
from normalised n
left join audience_size s on s.platform = n.platform and s.platform_id = n.platform_id
