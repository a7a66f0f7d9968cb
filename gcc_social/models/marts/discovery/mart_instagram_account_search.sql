{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='profile_id',
) }}

-- What discovery search matches against: keywords from name, handle, bio and category,
-- a single search phrase, and the filters/sort keys the search screen uses.
select
    profile_id,
    handle,
    name,
    {{ discovery_keywords(['name', 'handle', 'biography', 'category']) }} as keywords,
    {{ discovery_search_phrase(['name', 'handle', 'category']) }} as search_phrase,
    -- hashtags written in the bio ('#travel') are strong topical signals
    arrayDistinct(extractAll(lower(ifNull(biography, '')), '#([[:alnum:]_]+)')) as bio_hashtags,
    category,
    country,
    city,
    language,
    gender,
    follower_group,
    followers,
    engagement_rate,
    is_verified,
    followers_rank
from {{ ref('mart_instagram_account') }}
