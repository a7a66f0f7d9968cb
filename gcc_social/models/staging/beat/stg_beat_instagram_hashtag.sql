{{ config(materialized='table', order_by='hashtag', tags=['core']) }}

{#- '#Travel' and 'travel' are the same hashtag: clean first, then keep the latest count. -#}

with scrapes as (
    select
        {{ clean_hashtag('hashtag') }} as tag,
        argMax(posts_count, updated_at) as posts_count__latest,
        max(updated_at) as updated_at__latest
    from {{ source('beat', 'instagram_hashtag') }}
    group by tag
)

select
    tag as hashtag,
    posts_count__latest as posts_count,
    updated_at__latest as updated_at
from scrapes
where tag != ''
