{{ config(materialized='table', order_by='id', tags=['gcc_orders']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version). Amounts stay in their own currency; mart_gcc_orders normalises to INR. -#}

with latest as (
    select *
    from {{ source('coffee', 'order') }}
    order by id, updated_at desc
    limit 1 by id
)

select
    id,
    brand_id,
    upper(plan) as plan,
    amount,
    upper(currency) as currency,
    upper(status) as status,
    credits,
    created_at,
    paid_at,
    updated_at
from latest
