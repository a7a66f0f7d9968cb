{#- Within a window, complete + failed + pending never exceed requests, and the 1 h
    window never counts more than the 24 h one. Fails with rows that break either. -#}
select
    h.flow,
    h.platform,
    h.window,
    h.requests,
    h.complete,
    h.failed,
    h.pending,
    d.requests as requests_24h
from {{ ref('mart_scrape_request_health') }} as h
inner join {{ ref('mart_scrape_request_health') }} as d
    on h.flow = d.flow and h.platform = d.platform and d.window = '24h'
where
    h.complete + h.failed + h.pending > h.requests
    or (h.window = '1h' and h.requests > d.requests)
