{{ config(
    materialized='table',
    tags=['weekly'],
    order_by='(week, platform, category)',
) }}

-- Week-by-week audience growth of each genre over the last year: total audience of the
-- genre's creators and the week-on-week change (only creators whose previous snapshot
-- is one week earlier count towards the change, as in the weekly marts).
with categories AS (
    select 'INSTAGRAM' AS platform, profile_id AS platform_id, assumeNotNull(category) AS category
    from {{ ref('mart_instagram_account') }} AS a
    -- qualified: the bare name would resolve to the assumeNotNull alias, never NULL
    where a.category IS NOT NULL
    union all
    select 'YOUTUBE' AS platform, channel_id AS platform_id, assumeNotNull(category) AS category
    from {{ ref('mart_youtube_account') }} AS y
    where y.category IS NOT NULL
),

weekly AS (
    select 'INSTAGRAM' AS platform, profile_id AS platform_id, week,
           toInt64(argMax(followers, week)) AS audience,
           argMax(followers_change, week) AS audience_change
    from {{ ref('mart_insta_account_weekly') }}
    where week >= toStartOfWeek(now()) - INTERVAL 52 WEEK
    group by profile_id, week
    union all
    select 'YOUTUBE' AS platform, channel_id AS platform_id, week,
           toInt64(argMax(subscribers, week)) AS audience,
           argMax(subscribers_change, week) AS audience_change
    from {{ ref('mart_yt_account_weekly') }}
    where week >= toStartOfWeek(now()) - INTERVAL 52 WEEK
    group by channel_id, week
)

select
    w.week AS week,
    w.platform AS platform,
    c.category AS category,
    toUInt64(count()) AS creators,
    toInt64(sum(w.audience)) AS total_audience,
    toUInt64(countIf(w.audience_change IS NOT NULL)) AS creators_with_change,
    toInt64(sum(ifNull(w.audience_change, 0))) AS audience_change,
    round({{ discovery_safe_div('sumIf(w.audience_change, w.audience_change IS NOT NULL)', 'sumIf(w.audience - w.audience_change, w.audience_change IS NOT NULL)') }} * 100, 4) AS growth_pct
from weekly w
inner join categories c on c.platform = w.platform and c.platform_id = w.platform_id
group by w.week, w.platform, c.category
