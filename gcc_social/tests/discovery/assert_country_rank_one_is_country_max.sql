-- In every country the profiles ranked 1 are the ones with the most followers, and
-- every country has a rank 1.
with by_country AS (
    select
        country,
        max(followers) AS max_followers,
        minIf(followers, country_rank = 1) AS rank1_min_followers,
        countIf(country_rank = 1) AS rank1_profiles
    from {{ ref('mart_instagram_account') }}
    where country IS NOT NULL
    group by country
)
select *
from by_country
where rank1_profiles = 0 or rank1_min_followers != max_followers
