{{ config(materialized='table', tags=['daily'], order_by='(month, channel_id)', partition_by='toYYYYMM(month)',
          meta={'batch_rows': 300000},
          query_settings={'max_block_size': 8192}) }}

{#- Monthly YouTube ranks with the Instagram leaderboard's 28 dimensions: followers =
    subscribers, followers_change = subscriber gain in the month, views = average views of
    the month's uploads, plays = average views of the month's Shorts. Profile type is
    SHORTS / LONG_FORM by what the channel mostly uploads (UNKNOWN without videos).
    A first build at 1M creators goes a month at a time, each batch reading the month
    before for the previous-month ranks (as mart_instagram_leaderboard), and the windows
    work on 8k-row blocks: at 1M, three months (900k rows) went over the 3 GB query cap
    with the default 65k-row blocks and passed with 8k-row ones. -#}
with channels as (
    select
        channel_id,
        handle,
        nullIf(trimBoth(ifNull(category, '')), '') as category,
        nullIf(lower(trimBoth(ifNull(language, ''))), '') as language
    from {{ ref('stg_beat_youtube_channel') }}
),

channel_types as (
    select channel_id, if(countIf(is_short = 1) * 2 > count(), 'SHORTS', 'LONG_FORM') as profile_type
    from (
        select video_id, any(channel_id) as channel_id, max(is_short) as is_short
        from {{ ref('stg_beat_youtube_video') }} /* dedup: any/max per video_id */
        group by video_id
    )
    group by channel_id
),

base as (
    select
        m.month as month,
        m.channel_id as channel_id,
        c.handle as handle,
        c.category as category,
        c.language as language,
        if(t.channel_id = '', 'UNKNOWN', t.profile_type) as profile_type,
        m.subscribers as followers,
        m.subscribers_change as followers_change,
        m.avg_views as views,
        m.avg_plays as plays,
        m.engagement_rate as engagement_rate,
        m.avg_likes as avg_likes,
        m.avg_comments as avg_comments,
        m.avg_views as avg_views,
        m.avg_plays as avg_plays,
        m.monthly_views as monthly_views,
        m.video_count as video_count
    from {{ ref('mart_yt_account_monthly') }} m
    left join channels c on c.channel_id = m.channel_id
    left join channel_types t on t.channel_id = m.channel_id
    where {{ batch_slot('month1', 'month', ref('mart_yt_account_monthly')) }}
),

ranked as (
    select
        *,
        {{ marts_leaderboard_rank_columns() }}
    from base
)

select * from (
    select
        *,
        {{ marts_leaderboard_prev_rank_columns('prev') }}
    from ranked
    window prev as (partition by channel_id order by month rows between 1 preceding and current row)
)
where {{ batch_slot('month', 'month', ref('mart_yt_account_monthly')) }}
