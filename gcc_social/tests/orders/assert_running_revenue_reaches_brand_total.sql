{#- The running revenue of a brand's last order equals its total paid revenue, and
    exactly one first order exists for every brand with a paid order. Fails with the
    brands that break either. -#}
with per_brand as (
    select
        brand_id,
        sum(COALESCE(revenue_inr, 0)) as total_revenue,
        argMax(running_revenue_inr, (created_at, order_id)) as last_running_revenue,
        sum(is_first_order) as first_orders,
        sum(is_paid) as paid_orders
    from {{ ref('mart_gcc_orders') }}
    group by brand_id
)
select *
from per_brand
where
    total_revenue != last_running_revenue
    or first_orders != if(paid_orders > 0, 1, 0)
