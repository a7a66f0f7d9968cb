{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version). Hashtag lower-case, without '#'. -#}

with latest as (
    select *
    from {{ source('coffee', 'hashtag_tracker') }}
    order by id, updated_at desc
    limit 1 by id
)

select
    id,
    brand_id,
    {{ clean_hashtag('hashtag') }} as hashtag,
    active,
    created_at,
    updated_at
from latest
