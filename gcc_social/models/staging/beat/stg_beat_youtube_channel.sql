{{ config(materialized='table', order_by='channel_id', tags=['core']) }}

{#- One row per channel, latest known value per column (see stg_beat_instagram_account).
    subscribers stays NULL when the channel hides its count. -#}
{%- set latest_columns = [
    'id', 'title', 'handle', 'description', 'category', 'country', 'language',
    'subscribers', 'views', 'video_count', 'thumbnail_url', 'published_at'] %}

with scrapes as (
    select
        channel_id,
        {%- for col in latest_columns %}
        argMax({{ col }}, {{ ts_then_id('updated_at', 'id') }}) as {{ col }}__latest,
        {%- endfor %}
        min(created_at) as created_at__first,
        max(updated_at) as updated_at__latest,
        count() as scrape_count
    from {{ source('beat', 'youtube_channel') }}
    where channel_id != ''
    group by channel_id
)

select
    id__latest as id,
    channel_id,
    nullIf(trimBoth(title__latest), '') as title,
    nullIf({{ clean_handle('handle__latest') }}, '') as handle,
    description__latest as description,
    nullIf(trimBoth(category__latest), '') as category,
    upper(nullIf(trimBoth(country__latest), '')) as country,
    lower(nullIf(trimBoth(language__latest), '')) as language,
    subscribers__latest as subscribers,
    ifNull(views__latest, 0) as views,
    ifNull(video_count__latest, 0) as video_count,
    thumbnail_url__latest as thumbnail_url,
    published_at__latest as published_at,
    created_at__first as created_at,
    updated_at__latest as updated_at,
    scrape_count
from scrapes
