-- Every categorised creator is counted exactly once in the genre overview.
with expected AS (
    select 'INSTAGRAM' AS platform, count() AS creators
    from {{ ref('mart_instagram_account') }} where category IS NOT NULL
    union all
    select 'YOUTUBE' AS platform, count() AS creators
    from {{ ref('mart_youtube_account') }} where category IS NOT NULL
),
actual AS (
    select platform, sum(creators) AS creators from {{ ref('mart_genre_overview') }} group by platform
)
select e.platform AS platform, e.creators AS expected_creators, a.creators AS genre_creators
from expected e
left join actual a on a.platform = e.platform
where e.creators > 0 and ifNull(a.creators, 0) != e.creators
