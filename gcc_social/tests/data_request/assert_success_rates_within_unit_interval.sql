{#- Rates on the health and fulfilment screens are fractions: never below 0, above 1,
    NaN or infinite (NULL is allowed: nothing finished yet). Fails with offending rows. -#}
select
    'mart_scrape_request_health' as model,
    concat(flow, '/', platform, '/', window) as row_key,
    success_rate as rate
from {{ ref('mart_scrape_request_health') }}
where success_rate is not NULL and (not isFinite(success_rate) or success_rate < 0 or success_rate > 1)
union all
select
    'mart_data_request_brand_summary',
    toString(brand_id),
    fulfilment_rate
from {{ ref('mart_data_request_brand_summary') }}
where fulfilment_rate is not NULL and (not isFinite(fulfilment_rate) or fulfilment_rate < 0 or fulfilment_rate > 1)
