{{ config(
    materialized='table',
    tags=['recent_scl'],
    order_by='shortcode',
) }}

-- Scrape health of every Instagram post a brand collected: when it was last attempted,
-- how it went, and whether it keeps failing (the collection-post refresh DAG skips
-- posts with 2+ failures and no success in the last month).
with collected AS (
    select
        short_code AS shortcode,
        toUInt64(uniqExact(collection_id)) AS collections,
        min(created_at) AS first_collected_at,
        max(created_at) AS last_collected_at,
        any(post_type) AS post_type
    from {{ ref('stg_coffee_post_collection_item') }}
    where platform = 'INSTAGRAM'
      -- numeric ids and URL leftovers are legacy junk, not shortcodes
      and is_valid_short_code
    group by short_code
),

requests AS (
    -- the log is an append-only incremental model: fold re-read versions of a request
    select
        id,
        any(JSONExtractString(params, 'shortcode')) AS request_shortcode,
        any(created_at) AS requested_at,
        max(updated_at) AS request_updated_at,
        argMax(status, updated_at) AS request_status,
        argMax(error, updated_at) AS request_error
    from {{ ref('stg_beat_scrape_request_log') }}
    where flow = 'refresh_post_by_shortcode'
      and JSONExtractString(params, 'shortcode') in (select shortcode from collected)
    group by id
),

attempts AS (
    select
        request_shortcode AS shortcode,
        max(requested_at) AS last_attempt_at,
        argMax(request_status, (requested_at, id)) AS last_attempt_status,
        argMax(request_error, (requested_at, id)) AS last_attempt_error,
        maxIf(request_updated_at, request_status = 'COMPLETE') AS _last_success_at,
        toUInt64(countIf(requested_at >= now() - INTERVAL 1 MONTH)) AS attempts_last_month,
        toUInt64(uniqExactIf(id, request_status = 'FAILED' AND requested_at >= now() - INTERVAL 1 MONTH)) AS failures_last_month,
        toUInt64(uniqExactIf(id, request_status = 'COMPLETE' AND requested_at >= now() - INTERVAL 1 MONTH)) AS completes_last_month
    from requests
    group by request_shortcode
),

scraped AS (
    select shortcode, max(updated_at) AS last_scraped_at
    from {{ ref('stg_beat_instagram_post') }}
    where shortcode in (select shortcode from collected)
    group by shortcode
)

select
    c.shortcode AS shortcode,
    c.post_type AS post_type,
    c.collections AS collections,
    c.first_collected_at AS first_collected_at,
    c.last_collected_at AS last_collected_at,
    if(s.shortcode = '', NULL, s.last_scraped_at) AS last_scraped_at,
    if(a.shortcode = '', NULL, a.last_attempt_at) AS last_attempt_at,
    if(a.shortcode = '', NULL, a.last_attempt_status) AS last_attempt_status,
    if(a.shortcode = '', NULL, a.last_attempt_error) AS last_attempt_error,
    if(a.shortcode = '' OR a._last_success_at = toDateTime(0), NULL, a._last_success_at) AS last_success_at,
    a.attempts_last_month AS attempts_last_month,
    a.failures_last_month AS failures_last_month,
    a.completes_last_month AS completes_last_month,
    toUInt8(a.failures_last_month > 1 AND a.completes_last_month = 0) AS is_persistent_failure,
    toUInt8(s.shortcode = '') AS never_scraped
from collected c
left join attempts a on a.shortcode = c.shortcode
left join scraped s on s.shortcode = c.shortcode
