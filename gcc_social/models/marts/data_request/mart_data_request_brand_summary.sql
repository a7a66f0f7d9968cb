{{ config(
    materialized='table',
    tags=['data_requests'],
    order_by='brand_id'
) }}

{#- Per brand: how its data requests are served. Fulfilment rate = COMPLETE / closed
    (NULL while nothing closed), turnaround percentiles over completed requests, SLA
    breaches, and requests / completions by type as Map(String, UInt64). -#}

with by_type as (
    select
        brand_id,
        CAST(mapFromArrays(groupArray(request_type), groupArray(requests)), 'Map(String, UInt64)') as requests_by_type,
        CAST(mapFromArrays(groupArray(request_type), groupArray(completed)), 'Map(String, UInt64)') as completed_by_type
    from (
        select
            brand_id,
            request_type,
            toUInt64(count()) as requests,
            toUInt64(countIf(status = 'COMPLETE')) as completed
        from {{ ref('mart_data_request') }}
        group by brand_id, request_type
    )
    group by brand_id
),

totals as (
    select
        brand_id,
        any(brand_name) as brand_name,
        toUInt64(count()) as requests,
        toUInt64(countIf(status = 'COMPLETE')) as completed,
        toUInt64(countIf(status = 'FAILED')) as failed,
        toUInt64(countIf(is_closed = 0)) as open,
        toUInt64(countIf(is_sla_breached = 1)) as sla_breaches,
        toUInt64(countIf(is_closed = 0 and is_sla_breached = 1)) as open_sla_breaches,
        CAST(avgIf(turnaround_hours, turnaround_hours is not NULL), 'Nullable(Float64)') as avg_turnaround_hours,
        CAST(if(
            countIf(turnaround_hours is not NULL) > 0,
            quantileExactInclusiveIf(0.5) (turnaround_hours, turnaround_hours is not NULL), NULL
        ), 'Nullable(Float64)') as p50_turnaround_hours,
        CAST(if(
            countIf(turnaround_hours is not NULL) > 0,
            quantileExactInclusiveIf(0.95) (turnaround_hours, turnaround_hours is not NULL), NULL
        ), 'Nullable(Float64)') as p95_turnaround_hours,
        max(created_at) as last_request_at
    from {{ ref('mart_data_request') }}
    group by brand_id
)

select
    t.brand_id as brand_id,
    t.brand_name as brand_name,
    t.requests as requests,
    t.completed as completed,
    t.failed as failed,
    t.open as open,
    {{ marts_collection_ratio('t.completed', 't.completed + t.failed') }} as fulfilment_rate,
    t.sla_breaches as sla_breaches,
    t.open_sla_breaches as open_sla_breaches,
    {{ marts_collection_ratio('t.sla_breaches', 't.requests') }} as sla_breach_rate,
    t.avg_turnaround_hours as avg_turnaround_hours,
    t.p50_turnaround_hours as p50_turnaround_hours,
    t.p95_turnaround_hours as p95_turnaround_hours,
    y.requests_by_type as requests_by_type,
    y.completed_by_type as completed_by_type,
    t.last_request_at as last_request_at
from totals as t
inner join by_type as y on t.brand_id = y.brand_id
