-- Each genre's ranking starts at the largest creator, has one creator per rank with no
-- gaps, and lists min(50, creators of the genre) creators.
with ranks as (
    select
        platform,
        category,
        maxIf(followers, rank = 1) as rank1_followers,
        max(followers) as max_followers,
        count() as listed,
        max(rank) as last_rank
    from {{ ref('mart_genre_top_creators') }}
    group by platform, category
)
select r.*, o.creators as genre_creators
from ranks r
inner join {{ ref('mart_genre_overview') }} o on o.platform = r.platform and o.category = r.category
where r.rank1_followers != r.max_followers
   or r.listed != r.last_rank
   or r.listed != least(o.creators, {{ var('genre_top_creators', 50) }})
