{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(platform, category, country)',
) }}

-- A genre split by creator country: creators, typical size and engagement per country.
with creators as (
    {{ genre_creators() }}
),

stats as (
    select
        platform,
        category,
        assumeNotNull(country) as country,
        {{ genre_creator_stats() }}
    from creators as c
    where c.country is not NULL and c.country != ''
    group by platform, category, country
)

select
    *,
    round(creators / sum(creators) over (partition by platform, category) * 100, 4) as share_of_category_pct
from stats
