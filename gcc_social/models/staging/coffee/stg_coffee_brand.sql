{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version); soft-deleted brands are dropped. -#}

with latest as (
    select *
    from {{ source('coffee', 'brand') }}
    order by id, updated_at desc, deleted desc
    limit 1 by id
)

select
    id,
    trimBoth(name) as name,
    nullIf(trimBoth(industry), '') as industry,
    upper(nullIf(trimBoth(country), '')) as country,
    upper(plan) as plan,
    created_at,
    updated_at
from latest
where deleted = 0
