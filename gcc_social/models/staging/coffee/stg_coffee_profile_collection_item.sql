{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version); soft-deleted items are dropped. -#}

with latest as (
    select *
    from {{ source('coffee', 'profile_collection_item') }}
    order by id, updated_at desc, deleted desc
    limit 1 by id
)

select
    id,
    collection_id,
    upper(platform) as platform,
    trimBoth(platform_id) as platform_id,
    created_at,
    updated_at
from latest
where deleted = 0
