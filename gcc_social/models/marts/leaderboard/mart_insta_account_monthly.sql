{{ config(materialized='table', tags=['daily'], order_by='(profile_id, month)', partition_by='toYYYYMM(month)') }}

{#- One row per profile and month (current month and the 12 before it): month-end
    followers from the snapshot series, followers_change against the previous month's
    month-end (NULL when that month has no snapshot: a change over two months is not a
    monthly change), and the month's feed posts (stories excluded) averaged in their
    latest state. -#}
with series as (
    select
        profile_id,
        toStartOfMonth(date) as month,
        toInt64(argMax(followers, {{ date_then_ts('date', 'created_at') }})) as followers,
        toInt64(argMax(following, {{ date_then_ts('date', 'created_at') }})) as following
    from {{ ref('stg_beat_instagram_account_time_series') }} /* dedup: argMax over (date, created_at) per month */
    -- one extra month so the oldest kept month has a previous month-end
    where date >= addMonths(toStartOfMonth(today()), -13)
    group by profile_id, month
),

series_change as (
    select
        *,
        if(lagInFrame(toNullable(month)) over w = addMonths(month, -1),
           followers - lagInFrame(toNullable(followers)) over w, NULL) as followers_change
    from series
    window w as (partition by profile_id order by month rows between 1 preceding and current row)
),

posts as (
    {{ marts_profile_stats_ig_latest_posts(where="publish_time >= addMonths(toStartOfMonth(today()), -12)") }}
),

posts_by_month as (
    select
        profile_id,
        toStartOfMonth(publish_time) as month,
        toInt64(count()) as post_count,
        {{ marts_profile_stats_avg_if('likes') }} as avg_likes,
        {{ marts_profile_stats_avg_if('comments') }} as avg_comments,
        {{ marts_profile_stats_avg_if('views') }} as avg_views,
        {{ marts_profile_stats_avg_if('plays', "lower(post_type) in ('reels', 'reel', 'video', 'clips', 'igtv')") }} as avg_plays
    from posts
    where lower(post_type) != 'story'
    group by profile_id, month
)

select
    s.profile_id as profile_id,
    s.month as month,
    s.followers as followers,
    s.following as following,
    CAST(s.followers_change, 'Nullable(Int64)') as followers_change,
    toInt64(p.post_count) as post_count,
    p.avg_likes as avg_likes,
    p.avg_comments as avg_comments,
    p.avg_views as avg_views,
    p.avg_plays as avg_plays,
    CAST({{ engagement_rate('p.avg_likes + p.avg_comments', 's.followers') }}, 'Nullable(Float64)') as engagement_rate
from series_change s
left join posts_by_month p on p.profile_id = s.profile_id and p.month = s.month
where s.month >= addMonths(toStartOfMonth(today()), -12)
