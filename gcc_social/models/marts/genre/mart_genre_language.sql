{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(platform, category, language)',
) }}

-- A genre split by content language: creators, typical size and engagement per language.
with creators as (
    {{ genre_creators() }}
),

stats as (
    select
        platform,
        category,
        assumeNotNull(language) as language,
        {{ genre_creator_stats() }}
    from creators as c
    where c.language is not NULL and c.language != ''
    group by platform, category, language
)

select
    *,
    round(creators / sum(creators) over (partition by platform, category) * 100, 4) as share_of_category_pct
from stats
