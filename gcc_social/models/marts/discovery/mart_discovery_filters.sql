{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(platform, facet, value)',
) }}

-- Counts behind the discovery filter dropdowns ("Fashion (12,304)"), per platform.
with facets AS (
    select
        'INSTAGRAM' AS platform,
        [
            ('country', country),
            ('category', category),
            ('language', language),
            ('follower_group', toNullable(follower_group)),
            ('account_type', account_type),
            ('gender', gender)
        ] AS pairs,
        followers
    from {{ ref('mart_instagram_account') }}
    union all
    select
        'YOUTUBE' AS platform,
        [
            ('country', country),
            ('category', category),
            ('language', language),
            ('follower_group', toNullable(subscriber_group)),
            ('account_type', CAST(NULL, 'Nullable(String)')),
            ('gender', CAST(NULL, 'Nullable(String)'))
        ] AS pairs,
        subscribers AS followers
    from {{ ref('mart_youtube_account') }}
),

exploded AS (
    select platform, pair.1 AS facet, assumeNotNull(pair.2) AS value, followers
    from facets
    array join pairs AS pair
    where pair.2 IS NOT NULL AND pair.2 != ''
)

select
    platform,
    facet,
    value,
    toUInt64(count()) AS creators,
    toInt64(sum(followers)) AS total_followers,
    round(count() / sum(count()) over (partition by platform, facet) * 100, 4) AS share_pct,
    toUInt64(row_number() over (partition by platform, facet order by count() desc, value)) AS display_order
from exploded
group by platform, facet, value
