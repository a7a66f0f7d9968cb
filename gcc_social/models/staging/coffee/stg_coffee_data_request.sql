{{ config(materialized='table', order_by='id', tags=['data_requests']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version). -#}

with latest as (
    select *
    from {{ source('coffee', 'data_request') }}
    order by id, updated_at desc
    limit 1 by id
)

select
    id,
    brand_id,
    user_id,
    upper(request_type) as request_type,
    upper(platform) as platform,
    trimBoth(platform_id) as platform_id,
    upper(status) as status,
    created_at,
    completed_at,
    updated_at,
    if(completed_at >= created_at, dateDiff('second', created_at, completed_at) / 3600, NULL) as turnaround_hours
from latest
