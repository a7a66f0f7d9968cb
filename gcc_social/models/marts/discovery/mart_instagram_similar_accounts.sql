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

pairs as (
    select
        profile_id,
        category,
        language,
        n.1 as similar_profile_id,
        n.2 as similar_handle,
        n.3 as similar_followers,
        -- one order of magnitude of followers weighs as much as 5 points of ER
        abs(log_followers - n.4) + abs(er - n.5) / 5 as distance
    from neighbourhoods
    array join neighbours as n
    where n.1 != profile_id
),

ranked as (
    select
        *,
        row_number() over (partition by profile_id order by distance, similar_profile_id) as similarity_rank
    from pairs
)

select
    profile_id,
    similar_profile_id,
    similar_handle,
    toInt64(similar_followers) as similar_followers,
    category,
    language,
    round(distance, 6) as distance,
    round(1 / (1 + distance), 6) as similarity_score,
    toUInt64(similarity_rank) as similarity_rank
from ranked
where similarity_rank <= 10
