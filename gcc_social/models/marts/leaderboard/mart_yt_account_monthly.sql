{{ config(materialized='table', tags=['daily'], order_by='(channel_id, month)', partition_by='toYYYYMM(month)') }}

{#- One row per channel and month (current month and the 12 before it): month-end
    subscribers and lifetime views from the snapshot series, the month's subscriber gain
    and views gained (monthly_views) against the previous month-end (NULL when that month
    has no snapshot), and the videos published in the month in their latest state:
    avg_views over all of them, avg_plays over Shorts (YouTube counts Shorts plays, the
    counterpart of Instagram reel plays). -#}
with series as (
    select
        channel_id,
        toStartOfMonth(date) as month,
        toInt64(argMax(subscribers, {{ date_then_ts('date', 'created_at') }})) as subscribers,
        toInt64(argMax(views, {{ date_then_ts('date', 'created_at') }})) as lifetime_views
    from {{ ref('stg_beat_youtube_channel_time_series') }} /* dedup: argMax over (date, created_at) per month */
    -- one extra month so the oldest kept month has a previous month-end
    where date >= addMonths(toStartOfMonth(today()), -13)
    group by channel_id, month
),

series_change as (
    select
        *,
        lagInFrame(toNullable(month)) over w = addMonths(month, -1) as has_prev,
        if(has_prev, subscribers - lagInFrame(toNullable(subscribers)) over w, NULL) as subscribers_change,
        if(has_prev, lifetime_views - lagInFrame(toNullable(lifetime_views)) over w, NULL) as monthly_views
    from series
    window w as (partition by channel_id order by month rows between 1 preceding and current row)
),

videos as (
    {{ marts_profile_stats_yt_latest_videos(where="publish_time >= addMonths(toStartOfMonth(today()), -12)") }}
),

videos_by_month as (
    select
        channel_id,
        toStartOfMonth(publish_time) as month,
        toInt64(count()) as video_count,
        toInt64(countIf(is_short = 1)) as shorts_count,
        {{ marts_profile_stats_avg_if('likes') }} as avg_likes,
        {{ marts_profile_stats_avg_if('comments') }} as avg_comments,
        {{ marts_profile_stats_avg_if('views') }} as avg_views,
        {{ marts_profile_stats_avg_if('views', 'is_short = 1') }} as avg_plays
    from videos
    group by channel_id, month
)

select
    s.channel_id as channel_id,
    s.month as month,
    s.subscribers as subscribers,
    s.lifetime_views as lifetime_views,
    CAST(s.subscribers_change, 'Nullable(Int64)') as subscribers_change,
    CAST(s.monthly_views, 'Nullable(Int64)') as monthly_views,
    toInt64(v.video_count) as video_count,
    toInt64(v.shorts_count) as shorts_count,
    v.avg_likes as avg_likes,
    v.avg_comments as avg_comments,
    v.avg_views as avg_views,
    v.avg_plays as avg_plays,
    CAST({{ engagement_rate('v.avg_likes + v.avg_comments', 'v.avg_views') }}, 'Nullable(Float64)') as engagement_rate
from series_change s
left join videos_by_month v on v.channel_id = s.channel_id and v.month = s.month
where s.month >= addMonths(toStartOfMonth(today()), -12)
