{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- Latest version of each row (the app updates rows in place, the replica keeps every
    version); soft-deleted items are dropped. Users paste post URLs, so short_code is cut down to the bare id
    (raw_short_code keeps what they typed); numeric junk is kept but flagged by
    is_valid_short_code = 0, which is what the scrape DAGs and marts filter on. -#}

with latest as (
    select *, short_code as raw_short_code
    from {{ source('coffee', 'post_collection_item') }}
    order by id, updated_at desc, deleted desc
    limit 1 by id
)

select
    id,
    collection_id,
    upper(platform) as platform,
    {{ clean_short_code('short_code') }} as short_code,
    lower(nullIf(trimBoth(post_type), '')) as post_type,
    {{ clean_url('post_url') }} as post_url,
    created_at,
    updated_at,
    raw_short_code,
    match(short_code, '^[A-Za-z0-9_-]+$') and not match(short_code, '^[0-9]+$') as is_valid_short_code
from latest
where deleted = 0
