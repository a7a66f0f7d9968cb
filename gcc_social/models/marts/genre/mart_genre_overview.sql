{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(platform, category)',
) }}

-- Genre landing card: how many creators a category has, their typical size and
-- engagement, 30-day growth and the category's leading creator.
with creators as (
    {{ genre_creators() }}
),

stats as (
    select
        platform,
        category,
        {{ genre_creator_stats() }}
    from creators
    group by platform, category
)

select
    *,
    round(creators / sum(creators) over (partition by platform) * 100, 4) as share_of_platform_pct,
    toUInt64(rank() over (partition by platform order by creators desc)) as size_rank
from stats
