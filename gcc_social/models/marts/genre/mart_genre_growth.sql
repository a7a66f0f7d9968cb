{{ config(
    materialized='table',
    tags=['weekly'],
    order_by='(week, platform, category)',
) }}

-- Week-by-week audience growth of each genre over the last year: total audience of the
-- genre's creators and the week-on-week change (only creators whose previous snapshot
-- is one week earlier count towards the change, as in the weekly marts).
with categories as (
    select 'INSTAGRAM' as platform, profile_id as platform_id, assumeNotNull(category) as category
    from {{ ref('mart_instagram_account') }} as a
    -- qualified: the bare name would resolve to the assumeNotNull alias, never NULL
    where a.category is not NULL
    union all
    select 'YOUTUBE' as platform, channel_id as platform_id, assumeNotNull(category) as category
    from {{ ref('mart_youtube_account') }} as y
    where y.category is not NULL
),

weekly as (
    select 'INSTAGRAM' as platform, profile_id as platform_id, week,
           toInt64(argMax(followers, week)) as audience,
           argMax(followers_change, week) as audience_change
    from {{ ref('mart_insta_account_weekly') }} final
    where week >= toStartOfWeek(now()) - interval 52 week
    group by profile_id, week
    union all
    select 'YOUTUBE' as platform, channel_id as platform_id, week,
           toInt64(argMax(subscribers, week)) as audience,
           argMax(subscribers_change, week) as audience_change
    from {{ ref('mart_yt_account_weekly') }} final
    where week >= toStartOfWeek(now()) - interval 52 week
    group by channel_id, week
)

select
    w.week as week,
    w.platform as platform,
    c.category as category,
    toUInt64(count()) as creators,
    toInt64(sum(w.audience)) as total_audience,
    toUInt64(countIf(w.audience_change is not NULL)) as creators_with_change,
    toInt64(sum(ifNull(w.audience_change, 0))) as audience_change,
    round({{ discovery_safe_div('sumIf(w.audience_change, w.audience_change IS NOT NULL)', 'sumIf(w.audience - w.audience_change, w.audience_change IS NOT NULL)') }} * 100, 4) as growth_pct
from weekly w
inner join categories c on c.platform = w.platform and c.platform_id = w.platform_id
group by w.week, w.platform, c.category
