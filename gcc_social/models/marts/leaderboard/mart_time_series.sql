{{ config(materialized='table', tags=['daily'], order_by='(platform, platform_id, date)', partition_by='platform') }}

{#- Follower / subscriber history for the profile chart of both platforms (synced to
    PostgreSQL by sync_time_series_prod): one point per snapshot day over the last year,
    with the change since the previous snapshot and how many days that spans, so the app
    can tell a day's growth from a week's. following is Instagram only, views YouTube only. -#}
with points as (
    select
        'INSTAGRAM' as platform,
        profile_id as platform_id,
        date,
        toInt64(argMax(followers, created_at)) as followers,
        CAST(argMax(following, created_at), 'Nullable(Int64)') as following,
        CAST(NULL, 'Nullable(Int64)') as views
    from {{ ref('stg_beat_instagram_account_time_series') }} /* dedup: argMax over created_at per (profile_id, date) */
    where date >= today() - 365 and {{ batch_slot('range', 'profile_id', ref('stg_beat_instagram_account_time_series')) }}
    group by profile_id, date

    union all

    select
        'YOUTUBE' as platform,
        channel_id as platform_id,
        date,
        toInt64(argMax(subscribers, created_at)) as followers,
        CAST(NULL, 'Nullable(Int64)') as following,
        CAST(argMax(views, created_at), 'Nullable(Int64)') as views
    from {{ ref('stg_beat_youtube_channel_time_series') }} /* dedup: argMax over created_at per (channel_id, date) */
    where date >= today() - 365 and {{ batch_slot('range', 'channel_id', ref('stg_beat_youtube_channel_time_series')) }}
    group by channel_id, date
)

select
    platform,
    platform_id,
    date,
    followers,
    following,
    views,
    if(prev_date is NULL, NULL, followers - prev_followers) as followers_change,
    CAST(if(prev_date is NULL, NULL, dateDiff('day', prev_date, date)), 'Nullable(Int64)') as days_since_prev
from (
    select
        *,
        lagInFrame(toNullable(date)) over w as prev_date,
        lagInFrame(toNullable(followers)) over w as prev_followers
    from points
    window w as (partition by platform, platform_id order by date rows between 1 preceding and current row)
) as with_prev
