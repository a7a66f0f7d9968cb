{{ config(
    materialized='table',
    tags=['recent_scl'],
    order_by='(flow, platform, window)'
) }}

{#- Is scraping healthy right now? Per flow and platform, over the requests created in the
    last hour and the last 24 hours (`window` = '1h' / '24h'): requests, complete, failed,
    pending (PENDING or PROCESSING), success rate = complete / finished (NULL while nothing
    finished, so it is always within [0, 1]) and p50/p95 latency (updated_at - created_at
    of COMPLETE requests, seconds). A flow active in the last day but idle in the last hour
    gets a '1h' row of zeros, which is exactly what the on-call screen should show. Each
    request counts once in its latest status (argMax, whether or not the staging table's
    ReplacingMergeTree has merged yet). -#}

with requests as (
    select
        l.id as id,
        argMax(l.flow, l.updated_at) as flow,
        argMax(l.platform, l.updated_at) as platform,
        argMax(l.status, l.updated_at) as status,
        min(l.created_at) as created_at,
        max(l.updated_at) as last_update_at
    from {{ ref('stg_beat_scrape_request_log') }} as l /* dedup: argMax/min/max over updated_at per id */
    where l.created_at >= now() - interval 24 hour
    group by l.id
),

windows as (
    select '1h' as window, toUInt32(3600) as seconds
    union all
    select '24h' as window, toUInt32(86400) as seconds
),

gridded as (
    select
        r.flow as flow,
        r.platform as platform,
        w.window as window,
        r.status as status,
        r.created_at >= now() - toIntervalSecond(w.seconds) as in_window,
        dateDiff('second', r.created_at, r.last_update_at) as latency_seconds,
        r.created_at as created_at,
        r.last_update_at as last_update_at
    from requests as r
    cross join windows as w
)

select
    flow,
    platform,
    window,
    toUInt64(countIf(in_window)) as requests,
    toUInt64(countIf(in_window and status = 'COMPLETE')) as complete,
    toUInt64(countIf(in_window and status = 'FAILED')) as failed,
    toUInt64(countIf(in_window and status in ('PENDING', 'PROCESSING'))) as pending,
    {{ marts_collection_ratio('complete', 'complete + failed') }} as success_rate,
    CAST(if(complete > 0, quantileExactInclusiveIf(0.5)(latency_seconds, in_window and status = 'COMPLETE'), NULL), 'Nullable(Float64)') as p50_latency_seconds,  -- noqa: LT01
    CAST(if(complete > 0, quantileExactInclusiveIf(0.95)(latency_seconds, in_window and status = 'COMPLETE'), NULL), 'Nullable(Float64)') as p95_latency_seconds,  -- noqa: LT01
    CAST(if(requests > 0, maxIf(created_at, in_window), NULL), 'Nullable(DateTime)') as last_request_at,
    CAST(if(complete > 0, maxIf(last_update_at, in_window and status = 'COMPLETE'), NULL), 'Nullable(DateTime)') as last_complete_at,
    now() as computed_at
from gridded
group by flow, platform, window
