-- Each genre's ranking starts at the largest creator, has one creator per rank with no
-- gaps, and lists min(50, creators of the genre) creators.
with ranks AS (
    select
        platform,
        category,
        maxIf(followers, rank = 1) AS rank1_followers,
        max(followers) AS max_followers,
        count() AS listed,
        max(rank) AS last_rank
    from {{ ref('mart_genre_top_creators') }}
    group by platform, category
)
select r.*, o.creators AS genre_creators
from ranks r
inner join {{ ref('mart_genre_overview') }} o on o.platform = r.platform and o.category = r.category
where r.rank1_followers != r.max_followers
   or r.listed != r.last_rank
   or r.listed != least(o.creators, {{ var('genre_top_creators', 50) }})
