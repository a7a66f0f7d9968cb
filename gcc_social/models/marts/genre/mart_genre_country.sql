{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(platform, category, country)',
) }}

-- A genre split by creator country: creators, typical size and engagement per country.
with creators AS (
    {{ genre_creators() }}
),

stats AS (
    select
        platform,
        category,
        assumeNotNull(country) AS country,
        {{ genre_creator_stats() }}
    from creators AS c
    where c.country IS NOT NULL AND c.country != ''
    group by platform, category, country
)

select
    *,
    round(creators / sum(creators) over (partition by platform, category) * 100, 4) AS share_of_category_pct
from stats
