{{ config(
    materialized='table',
    tags=['data_requests'],
    order_by='request_id',
    query_settings={'join_use_nulls': 1}
) }}

{#- Every brand data request with how long it took or has been waiting, whether it broke
    the SLA (marts_data_request_sla_hours, 24 h: a finished request that took longer, or an
    open one already older) and how fresh beat's copy of the requested profile is, so ops
    can see which open requests only wait on a scrape. -#}

with requested_instagram as (
    select
        profile_id as platform_id,
        updated_at as last_scraped_at
    from {{ ref('stg_beat_instagram_account') }}
    where profile_id in (select platform_id from {{ ref('stg_coffee_data_request') }} where platform = 'INSTAGRAM')
),

requested_youtube as (
    select
        channel_id as platform_id,
        updated_at as last_scraped_at
    from {{ ref('stg_beat_youtube_channel') }}
    where channel_id in (select platform_id from {{ ref('stg_coffee_data_request') }} where platform = 'YOUTUBE')
),

profiles as (
    select
        'INSTAGRAM' as platform,
        platform_id,
        last_scraped_at
    from requested_instagram
    union all
    select
        'YOUTUBE' as platform,
        platform_id,
        last_scraped_at
    from requested_youtube
),

requests as (
    select
        toUInt64(r.id) as request_id,
        toUInt64(r.brand_id) as brand_id,
        toUInt64(r.user_id) as user_id,
        r.request_type as request_type,
        r.platform as platform,
        r.platform_id as platform_id,
        r.status as status,
        r.created_at as created_at,
        r.completed_at as completed_at,
        CAST(r.status in ('COMPLETE', 'FAILED'), 'UInt8') as is_closed,
        CAST(if(
            r.status = 'COMPLETE' and r.completed_at >= r.created_at,
            dateDiff('second', r.created_at, r.completed_at) / 3600, NULL
        ), 'Nullable(Float64)') as turnaround_hours,
        CAST(if(
            r.status in ('COMPLETE', 'FAILED'), NULL,
            greatest(0, dateDiff('second', r.created_at, now())) / 3600
        ), 'Nullable(Float64)') as open_hours
    from {{ ref('stg_coffee_data_request') }} as r
)

select
    q.request_id as request_id,
    q.brand_id as brand_id,
    b.name as brand_name,
    q.user_id as user_id,
    q.request_type as request_type,
    q.platform as platform,
    q.platform_id as platform_id,
    q.status as status,
    q.created_at as created_at,
    q.completed_at as completed_at,
    q.is_closed as is_closed,
    q.turnaround_hours as turnaround_hours,
    q.open_hours as open_hours,
    toFloat64({{ marts_data_request_sla_hours() }}) as sla_hours,
    toUInt8(COALESCE(q.turnaround_hours, q.open_hours) > {{ marts_data_request_sla_hours() }}) as is_sla_breached,
    p.last_scraped_at as profile_last_scraped_at,
    CAST(if(
        p.last_scraped_at is NULL, NULL,
        greatest(0, dateDiff('second', p.last_scraped_at, now())) / 3600
    ), 'Nullable(Float64)') as profile_hours_since_scrape,
    toUInt8(COALESCE(p.last_scraped_at >= q.created_at, 0)) as profile_scraped_since_request
from requests as q
left join {{ ref('stg_coffee_brand') }} as b on q.brand_id = b.id
left join profiles as p on q.platform = p.platform and q.platform_id = p.platform_id
