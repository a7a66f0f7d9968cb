{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version). -#}

with latest as (
    select *
    from {{ source('coffee', 'campaign_profile') }}
    order by id, updated_at desc
    limit 1 by id
)

select
    id,
    campaign_id,
    upper(platform) as platform,
    trimBoth(platform_id) as platform_id,
    fee,
    deliverables,
    upper(status) as status,
    created_at,
    updated_at
from latest
