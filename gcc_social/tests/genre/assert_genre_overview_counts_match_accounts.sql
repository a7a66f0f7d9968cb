-- Every categorised creator is counted exactly once in the genre overview.
with expected as (
    select 'INSTAGRAM' as platform, count() as creators
    from {{ ref('mart_instagram_account') }} where category is not NULL
    union all
    select 'YOUTUBE' as platform, count() as creators
    from {{ ref('mart_youtube_account') }} where category is not NULL
),
actual as (
    select platform, sum(creators) as creators from {{ ref('mart_genre_overview') }} group by platform
)
select e.platform as platform, e.creators as expected_creators, a.creators as genre_creators
from expected e
left join actual a on a.platform = e.platform
where e.creators > 0 and ifNull(a.creators, 0) != e.creators
