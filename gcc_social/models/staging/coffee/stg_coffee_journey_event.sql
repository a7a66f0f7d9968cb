{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- One row per event id: events are append-only, a re-delivery is the same event. -#}

with latest as (
    select *
    from {{ source('coffee', 'journey_event') }}
    order by id, created_at
    limit 1 by id
)

select
    id,
    user_id,
    brand_id,
    upper(step) as step,
    occurred_at,
    created_at
from latest
