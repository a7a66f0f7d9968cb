{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(profile_id, similar_profile_id)',
) }}

-- "Similar creators" on a profile page: the 10 nearest profiles in the same category and
-- language by audience size (log scale) and engagement rate. Candidates are the 20
-- neighbours by follower count inside the category+language bucket (a sliding window),
-- which keeps the model linear instead of comparing every pair in a bucket.
{%- set window = var('similar_accounts_window', 10) %}
with candidates as (
    select
        profile_id,
        handle,
        category,
        language,
        followers,
        ifNull(engagement_rate, 0) as er,
        log10(toFloat64(greatest(followers, 1))) as log_followers
    from {{ ref('mart_instagram_account') }}
    where category is not NULL and language is not NULL and followers > 0
),

neighbourhoods as (
    select
        profile_id,
        category,
        language,
        log_followers,
        er,
        groupArray((profile_id, handle, followers, log_followers, er)) over (
            partition by category, language
            order by log_followers, profile_id
            rows between {{ window }} preceding and {{ window }} following
        ) as neighbours
    from candidates
),

nearest as (
    -- each profile's 10 nearest neighbours sorted inside its own row: no second window
    -- over the ~20 candidate pairs per profile (at 1M creators, sorting those 20M pairs
    -- by profile went over the 3 GB query cap)
    select
        profile_id,
        category,
        language,
        arraySlice(
            arraySort(
                p -> (p.4, p.1),
                arrayMap(
                    -- one order of magnitude of followers weighs as much as 5 points of ER
                    n -> (n.1, n.2, n.3, abs(log_followers - n.4) + abs(er - n.5) / 5),
                    arrayFilter(n -> n.1 != profile_id, neighbours)
                )
            ),
            1, 10
        ) as top
    from neighbourhoods
)

select
    profile_id,
    p.1 as similar_profile_id,
    p.2 as similar_handle,
    toInt64(p.3) as similar_followers,
    category,
    language,
    round(p.4, 6) as distance,
    round(1 / (1 + distance), 6) as similarity_score,  -- of the rounded distance, as served before
    toUInt64(similarity_rank) as similarity_rank
from nearest
array join top as p, arrayEnumerate(top) as similarity_rank
