{{ config(
    materialized='incremental',
    incremental_strategy='append',
    engine='ReplacingMergeTree(updated_at)',
    order_by='id',
    tags=['recent_scl']
) }}

{#- Latest state of every scrape request. beat writes a new row per status change
    (PENDING -> PROCESSING -> COMPLETE/FAILED) with a later updated_at; the newest one
    wins here and on merge. Read with FINAL (or argMax by updated_at) for exactly one
    row per id. The params the scrape DAGs filter on are pulled out of the JSON. -#}

select
    id,
    flow,
    upper(platform) as platform,
    params,
    upper(status) as status,
    error,
    priority,
    created_at,
    updated_at,
    nullIf(JSONExtractString(params, 'shortcode'), '') as shortcode,
    nullIf({{ clean_handle("JSONExtractString(params, 'handle')") }}, '') as handle,
    nullIf(JSONExtractString(params, 'channel_id'), '') as channel_id
from {{ source('beat', 'scrape_request_log') }}
{{ incremental_lookback('updated_at') }}
order by id, updated_at desc
limit 1 by id
