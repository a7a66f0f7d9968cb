{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version). -#}

with latest as (
    select *
    from {{ source('coffee', 'invitation') }}
    order by id, updated_at desc
    limit 1 by id
)

select
    id,
    brand_id,
    campaign_id,
    recommendation_id,
    upper(platform) as platform,
    trimBoth(platform_id) as platform_id,
    upper(status) as status,
    sent_at,
    responded_at,
    created_at,
    updated_at
from latest
