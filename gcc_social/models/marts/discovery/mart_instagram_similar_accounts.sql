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
with candidates AS (
    select
        profile_id,
        handle,
        category,
        language,
        followers,
        ifNull(engagement_rate, 0) AS er,
        log10(toFloat64(greatest(followers, 1))) AS log_followers
    from {{ ref('mart_instagram_account') }}
    where category IS NOT NULL AND language IS NOT NULL AND followers > 0
),

neighbourhoods AS (
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
        ) AS neighbours
    from candidates
),

pairs AS (
    select
        profile_id,
        category,
        language,
        n.1 AS similar_profile_id,
        n.2 AS similar_handle,
        n.3 AS similar_followers,
        -- one order of magnitude of followers weighs as much as 5 points of ER
        abs(log_followers - n.4) + abs(er - n.5) / 5 AS distance
    from neighbourhoods
    array join neighbours AS n
    where n.1 != profile_id
),

ranked AS (
    select
        *,
        row_number() over (partition by profile_id order by distance, similar_profile_id) AS similarity_rank
    from pairs
)

select
    profile_id,
    similar_profile_id,
    similar_handle,
    toInt64(similar_followers) AS similar_followers,
    category,
    language,
    round(distance, 6) AS distance,
    round(1 / (1 + distance), 6) AS similarity_score,
    toUInt64(similarity_rank) AS similarity_rank
from ranked
where similarity_rank <= 10
