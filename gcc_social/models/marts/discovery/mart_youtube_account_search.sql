{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='channel_id',
) }}

-- Search keywords and filters for YouTube channels (title, handle, description, category).
select
    channel_id,
    handle,
    title,
    {{ discovery_keywords(['title', 'handle', 'description', 'category']) }} as keywords,
    {{ discovery_search_phrase(['title', 'handle', 'category']) }} as search_phrase,
    category,
    country,
    language,
    subscriber_group,
    subscribers,
    engagement_rate,
    subscribers_rank
from {{ ref('mart_youtube_account') }}
