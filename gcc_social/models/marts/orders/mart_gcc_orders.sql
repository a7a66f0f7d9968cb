{{ config(
    materialized='table',
    tags=['gcc_orders'],
    order_by='order_id',
    partition_by='toYYYYMM(created_at)',
    query_settings={'join_use_nulls': 1}
) }}

{#- SaaS orders with the brand and revenue in INR. Revenue is what was PAID (refunds and
    failures earn nothing); amounts convert at the static reference rates of
    marts_orders_fx_rate_to_inr (NULL for an unknown currency, which a test rejects).
    Per brand, in order of creation: is_first_order marks the brand's first paid order,
    paid_order_number counts paid orders so far, running_revenue_inr is the brand's paid
    revenue up to and including this order. -#}

with orders as (
    select
        toUInt64(o.id) as order_id,
        toUInt64(o.brand_id) as brand_id,
        o.plan as plan,
        o.status as status,
        o.amount as amount,
        o.currency as currency,
        {{ marts_orders_fx_rate_to_inr('o.currency') }} as fx_rate_to_inr,
        toInt64(o.credits) as credits,
        o.created_at as created_at,
        o.paid_at as paid_at,
        CAST(o.status = 'PAID', 'UInt8') as is_paid
    from {{ ref('stg_coffee_order') }} as o
),

priced as (
    select
        *,
        CAST(round(toFloat64(amount) * fx_rate_to_inr, 2), 'Nullable(Decimal(18, 2))') as amount_inr,
        CAST(if(is_paid = 1, amount_inr, 0), 'Nullable(Decimal(18, 2))') as revenue_inr
    from orders
)

select
    p.order_id as order_id,
    p.brand_id as brand_id,
    b.name as brand_name,
    b.industry as brand_industry,
    b.country as brand_country,
    p.plan as plan,
    p.status as status,
    p.amount as amount,
    p.currency as currency,
    p.fx_rate_to_inr as fx_rate_to_inr,
    p.amount_inr as amount_inr,
    p.revenue_inr as revenue_inr,
    p.credits as credits,
    p.created_at as created_at,
    p.paid_at as paid_at,
    p.is_paid as is_paid,
    toUInt8(p.is_paid = 1 and sum(p.is_paid) over brand_orders = 1) as is_first_order,
    toUInt64(sum(p.is_paid) over brand_orders) as paid_order_number,
    CAST(sum(COALESCE(p.revenue_inr, 0)) over brand_orders, 'Decimal(18, 2)') as running_revenue_inr,
    CAST(if(
        count() over brand_orders = 1, NULL,
        dateDiff('day', lagInFrame(p.created_at, 1, p.created_at) over brand_orders, p.created_at)
    ), 'Nullable(Int64)') as days_since_previous_order
from priced as p
left join {{ ref('stg_coffee_brand') }} as b on p.brand_id = b.id
window brand_orders as (
    partition by p.brand_id order by p.created_at, p.order_id
    rows between unbounded preceding and current row
)
