{{ config(
    materialized='table',
    tags=['recent_scl'],
    order_by='profile_id',
    query_settings={'join_use_nulls': 1},
) }}

-- Which profiles are due for a re-scrape (read by the profile scrape-request DAGs every
-- few minutes). Bigger accounts go stale sooner; a profile with a request already in
-- flight, or one that keeps failing, is not asked for again.
with profiles AS (
    select profile_id, handle, toInt64(ifNull(followers, 0)) AS followers, updated_at AS last_scraped_at
    from {{ ref('stg_beat_instagram_account') }}
),

requests AS (
    -- the log is an append-only incremental model: fold re-read versions of a request
    select
        id,
        any(handle) AS request_handle,
        any(created_at) AS requested_at,
        argMax(status, updated_at) AS request_status,
        argMax(error, updated_at) AS request_error
    from {{ ref('stg_beat_scrape_request_log') }}
    where flow = 'refresh_profile_by_handle' AND handle IS NOT NULL
    group by id
),

attempts AS (
    select
        assumeNotNull(request_handle) AS handle,
        max(requested_at) AS last_request_at,
        argMax(request_status, (requested_at, id)) AS last_scrape_status,
        argMax(request_error, (requested_at, id)) AS last_scrape_error,
        toUInt64(countIf(request_status = 'FAILED' AND requested_at >= now() - INTERVAL 1 MONTH)) AS failures_last_month,
        toUInt64(countIf(request_status = 'COMPLETE' AND requested_at >= now() - INTERVAL 1 MONTH)) AS completes_last_month,
        toUInt64(countIf(request_status IN ('PENDING', 'PROCESSING') AND requested_at >= now() - INTERVAL 12 HOUR)) AS open_requests
    from requests
    group by request_handle
),

joined AS (
    select
        p.profile_id AS profile_id,
        p.handle AS handle,
        p.followers AS followers,
        p.last_scraped_at AS last_scraped_at,
        toInt64(dateDiff('hour', p.last_scraped_at, now())) AS hours_since_scrape,
        toInt64(multiIf(p.followers >= 1000000, 24, p.followers >= 100000, 48, p.followers >= 10000, 72, 168)) AS refresh_interval_hours,
        r.last_request_at AS last_request_at,
        r.last_scrape_status AS last_scrape_status,
        r.last_scrape_error AS last_scrape_error,
        ifNull(r.failures_last_month, 0) AS failures_last_month,
        ifNull(r.completes_last_month, 0) AS completes_last_month,
        ifNull(r.open_requests, 0) AS open_requests
    from profiles p
    left join attempts r on r.handle = p.handle
)

select
    *,
    toUInt8(failures_last_month > 1 AND completes_last_month = 0) AS is_persistent_failure,
    toUInt8(
        hours_since_scrape >= refresh_interval_hours
        AND open_requests = 0
        AND NOT (failures_last_month > 1 AND completes_last_month = 0)
    ) AS needs_refresh,
    -- how overdue relative to the account's own interval: the DAG asks in this order
    round(hours_since_scrape / refresh_interval_hours, 4) AS staleness_ratio
from joined
