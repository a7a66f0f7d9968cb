-- In every country the profiles ranked 1 are the ones with the most followers, and
-- every country has a rank 1.
with by_country as (
    select
        country,
        max(followers) as max_followers,
        minIf(followers, country_rank = 1) as rank1_min_followers,
        countIf(country_rank = 1) as rank1_profiles
    from {{ ref('mart_instagram_account') }}
    where country is not NULL
    group by country
)
select *
from by_country
where rank1_profiles = 0 or rank1_min_followers != max_followers
