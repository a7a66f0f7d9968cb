{#- Revenue must never vanish silently: every order's currency has a rate in the static
    FX table (macros/marts_orders_fx_rate_to_inr.sql). Fails with the currencies to add. -#}
select
    currency,
    count() as orders
from {{ ref('mart_gcc_orders') }}
where fx_rate_to_inr is NULL
group by currency
