{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version); inactive trackers are kept (active = 0) for history. -#}

with latest as (
    select *
    from {{ source('coffee', 'account_tracker') }}
    order by id, updated_at desc
    limit 1 by id
)

select
    id,
    brand_id,
    upper(platform) as platform,
    trimBoth(platform_id) as platform_id,
    active,
    created_at,
    updated_at
from latest
