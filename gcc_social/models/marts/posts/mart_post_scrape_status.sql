{{ config(
    materialized='table',
    tags=['recent_scl'],
    order_by='shortcode',
) }}

-- Scrape health of every Instagram post a brand collected: when it was last attempted,
-- how it went, and whether it keeps failing (the collection-post refresh DAG skips
-- posts with 2+ failures and no success in the last month).
with collected as (
    select
        short_code as shortcode,
        toUInt64(uniqExact(collection_id)) as collections,
        min(created_at) as first_collected_at,
        max(created_at) as last_collected_at,
        any(post_type) as post_type
    from {{ ref('stg_coffee_post_collection_item') }}
    where platform = 'INSTAGRAM'
      -- numeric ids and URL leftovers are legacy junk, not shortcodes
      and is_valid_short_code
    group by short_code
),

requests as (
    -- the log is an append-only incremental model: fold re-read versions of a request
    select
        id,
        any(JSONExtractString(params, 'shortcode')) as request_shortcode,
        any(created_at) as requested_at,
        max(updated_at) as request_updated_at,
        argMax(status, updated_at) as request_status,
        argMax(error, updated_at) as request_error
    from {{ ref('stg_beat_scrape_request_log') }} /* dedup: argMax/max over updated_at per id */
    where flow = 'refresh_post_by_shortcode'
      and JSONExtractString(params, 'shortcode') in (select shortcode from collected)
    group by id
),

attempts as (
    select
        request_shortcode as shortcode,
        max(requested_at) as last_attempt_at,
        argMax(request_status, {{ ts_then_id('requested_at', 'id') }}) as last_attempt_status,
        argMax(request_error, {{ ts_then_id('requested_at', 'id') }}) as last_attempt_error,
        maxIf(request_updated_at, request_status = 'COMPLETE') as _last_success_at,
        toUInt64(countIf(requested_at >= now() - interval 1 month)) as attempts_last_month,
        toUInt64(uniqExactIf(id, request_status = 'FAILED' and requested_at >= now() - interval 1 month)) as failures_last_month,
        toUInt64(uniqExactIf(id, request_status = 'COMPLETE' and requested_at >= now() - interval 1 month)) as completes_last_month
    from requests
    group by request_shortcode
),

scraped as (
    select shortcode, max(updated_at) as last_scraped_at
    from {{ ref('stg_beat_instagram_post') }} /* dedup: max(updated_at) per shortcode */
    where shortcode in (select shortcode from collected)
    group by shortcode
)

select
    c.shortcode as shortcode,
    c.post_type as post_type,
    c.collections as collections,
    c.first_collected_at as first_collected_at,
    c.last_collected_at as last_collected_at,
    if(s.shortcode = '', NULL, s.last_scraped_at) as last_scraped_at,
    if(a.shortcode = '', NULL, a.last_attempt_at) as last_attempt_at,
    if(a.shortcode = '', NULL, a.last_attempt_status) as last_attempt_status,
    if(a.shortcode = '', NULL, a.last_attempt_error) as last_attempt_error,
    if(a.shortcode = '' or a._last_success_at = toDateTime(0), NULL, a._last_success_at) as last_success_at,
    a.attempts_last_month as attempts_last_month,
    a.failures_last_month as failures_last_month,
    a.completes_last_month as completes_last_month,
    toUInt8(a.failures_last_month > 1 and a.completes_last_month = 0) as is_persistent_failure,
    toUInt8(s.shortcode = '') as never_scraped
from collected c
left join attempts a on a.shortcode = c.shortcode
left join scraped s on s.shortcode = c.shortcode
