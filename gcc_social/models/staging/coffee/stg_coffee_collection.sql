{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version); soft-deleted collections are dropped. -#}

with latest as (
    select *
    from {{ source('coffee', 'collection') }}
    order by id, updated_at desc, deleted desc
    limit 1 by id
)

select
    id,
    brand_id,
    trimBoth(name) as name,
    upper(type) as type,
    campaign_id,
    created_by,
    created_at,
    updated_at
from latest
where deleted = 0
