{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(platform, facet, value)',
) }}

-- Counts behind the discovery filter dropdowns ("Fashion (12,304)"), per platform.
with facets as (
    select
        'INSTAGRAM' as platform,
        [
            ('country', country),
            ('category', category),
            ('language', language),
            ('follower_group', toNullable(follower_group)),
            ('account_type', account_type),
            ('gender', gender)
        ] as pairs,
        followers
    from {{ ref('mart_instagram_account') }}
    union all
    select
        'YOUTUBE' as platform,
        [
            ('country', country),
            ('category', category),
            ('language', language),
            ('follower_group', toNullable(subscriber_group)),
            ('account_type', CAST(NULL, 'Nullable(String)')),
            ('gender', CAST(NULL, 'Nullable(String)'))
        ] as pairs,
        subscribers as followers
    from {{ ref('mart_youtube_account') }}
),

exploded as (
    select platform, pair.1 as facet, assumeNotNull(pair.2) as value, followers
    from facets
    array join pairs as pair
    where pair.2 is not NULL and pair.2 != ''
)

select
    platform,
    facet,
    value,
    toUInt64(count()) as creators,
    toInt64(sum(followers)) as total_followers,
    round(count() / sum(count()) over (partition by platform, facet) * 100, 4) as share_pct,
    toUInt64(row_number() over (partition by platform, facet order by count() desc, value)) as display_order
from exploded
group by platform, facet, value
