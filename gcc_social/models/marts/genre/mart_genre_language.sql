{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(platform, category, language)',
) }}

-- A genre split by content language: creators, typical size and engagement per language.
with creators AS (
    {{ genre_creators() }}
),

stats AS (
    select
        platform,
        category,
        assumeNotNull(language) AS language,
        {{ genre_creator_stats() }}
    from creators AS c
    where c.language IS NOT NULL AND c.language != ''
    group by platform, category, language
)

select
    *,
    round(creators / sum(creators) over (partition by platform, category) * 100, 4) AS share_of_category_pct
from stats
