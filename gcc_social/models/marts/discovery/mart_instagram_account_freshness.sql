{{ config(
    materialized='table',
    tags=['recent_scl'],
    order_by='profile_id',
    query_settings={'join_use_nulls': 1},
) }}

-- Which profiles are due for a re-scrape (read by the profile scrape-request DAGs every
-- few minutes). Bigger accounts go stale sooner; a profile with a request already in
-- flight, or one that keeps failing, is not asked for again.
with profiles as (
    select profile_id, handle, toInt64(ifNull(followers, 0)) as followers, updated_at as last_scraped_at
    from {{ ref('stg_beat_instagram_account') }}
),

requests as (
    -- the log is an append-only incremental model: fold re-read versions of a request
    select
        id,
        any(handle) as request_handle,
        any(created_at) as requested_at,
        argMax(status, updated_at) as request_status,
        argMax(error, updated_at) as request_error
    from {{ ref('stg_beat_scrape_request_log') }} /* dedup: argMax over updated_at per id */
    where flow = 'refresh_profile_by_handle' and handle is not NULL
    group by id
),

attempts as (
    select
        assumeNotNull(request_handle) as handle,
        max(requested_at) as last_request_at,
        argMax(request_status, {{ ts_then_id('requested_at', 'id') }}) as last_scrape_status,
        argMax(request_error, {{ ts_then_id('requested_at', 'id') }}) as last_scrape_error,
        toUInt64(countIf(request_status = 'FAILED' and requested_at >= now() - interval 1 month)) as failures_last_month,
        toUInt64(countIf(request_status = 'COMPLETE' and requested_at >= now() - interval 1 month)) as completes_last_month,
        toUInt64(countIf(request_status in ('PENDING', 'PROCESSING') and requested_at >= now() - interval 12 hour)) as open_requests
    from requests
    group by request_handle
),

joined as (
    select
        p.profile_id as profile_id,
        p.handle as handle,
        p.followers as followers,
        p.last_scraped_at as last_scraped_at,
        toInt64(dateDiff('hour', p.last_scraped_at, now())) as hours_since_scrape,
        toInt64(multiIf(p.followers >= 1000000, 24, p.followers >= 100000, 48, p.followers >= 10000, 72, 168)) as refresh_interval_hours,
        r.last_request_at as last_request_at,
        r.last_scrape_status as last_scrape_status,
        r.last_scrape_error as last_scrape_error,
        ifNull(r.failures_last_month, 0) as failures_last_month,
        ifNull(r.completes_last_month, 0) as completes_last_month,
        ifNull(r.open_requests, 0) as open_requests
    from profiles p
    left join attempts r on r.handle = p.handle
)

select
    *,
    toUInt8(failures_last_month > 1 and completes_last_month = 0) as is_persistent_failure,
    toUInt8(
        hours_since_scrape >= refresh_interval_hours
        and open_requests = 0
        and not (failures_last_month > 1 and completes_last_month = 0)
    ) as needs_refresh,
    -- how overdue relative to the account's own interval: the DAG asks in this order
    round(hours_since_scrape / refresh_interval_hours, 4) as staleness_ratio
from joined
