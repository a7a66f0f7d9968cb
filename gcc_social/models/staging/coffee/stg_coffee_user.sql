{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version); soft-deleted users are dropped. -#}

with latest as (
    select *
    from {{ source('coffee', 'user') }}
    order by id, updated_at desc, deleted desc
    limit 1 by id
)

select
    id,
    brand_id,
    upper(role) as role,
    lower(nullIf(trimBoth(email_domain), '')) as email_domain,
    created_at,
    last_login_at,
    updated_at
from latest
where deleted = 0
