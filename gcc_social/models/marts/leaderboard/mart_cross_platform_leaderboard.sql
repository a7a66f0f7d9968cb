{{ config(materialized='table', tags=['daily'], order_by='(month, handle)', partition_by='toYYYYMM(month)',
          meta={'batch_rows': 300000},
          query_settings={'max_block_size': 8192, 'join_algorithm': 'full_sorting_merge'}) }}

{#- Creators with a linked Instagram account and YouTube channel, ranked on their combined
    audience: followers + subscribers, combined growth, and the reach of a typical post on
    both (views and plays summed across platforms; a side without the metric adds
    nothing, both missing stays unranked). Only months where both sides have a snapshot,
    so a combined figure is never half a creator. `platform` is where most of the audience
    is. A first build goes month by month reading the month before (as
    mart_instagram_leaderboard). -#}
with links as (
    select handle, profile_id, channel_id, nullIf(trimBoth(ifNull(category, '')), '') as category
    from {{ ref('stg_beat_profile_link') }}
    where ifNull(channel_id, '') != '' and profile_id != ''
),

base as (
    select
        ig.month as month,
        l.handle as handle,
        l.profile_id as profile_id,
        yt.channel_id as channel_id,
        coalesce(l.category, ig.category, yt.category) as category,
        coalesce(ig.language, yt.language) as language,
        ig.profile_type as profile_type,
        if(ig.followers >= yt.followers, 'INSTAGRAM', 'YOUTUBE') as platform,
        ig.followers + yt.followers as followers,
        ig.followers as instagram_followers,
        yt.followers as youtube_subscribers,
        {{ marts_leaderboard_sum_known('ig.followers_change', 'yt.followers_change') }} as followers_change,
        {{ marts_leaderboard_sum_known('ig.views', 'yt.views') }} as views,
        {{ marts_leaderboard_sum_known('ig.plays', 'yt.plays') }} as plays,
        {{ marts_leaderboard_sum_known('ig.avg_likes', 'yt.avg_likes') }} as avg_likes,
        {{ marts_leaderboard_sum_known('ig.avg_comments', 'yt.avg_comments') }} as avg_comments,
        {{ marts_leaderboard_sum_known('ig.avg_views', 'yt.avg_views') }} as avg_views,
        {{ marts_leaderboard_sum_known('ig.avg_plays', 'yt.avg_plays') }} as avg_plays,
        -- audience-weighted: a 1M-follower side counts more than a 1k one
        CAST(if(ig.engagement_rate is null and yt.engagement_rate is null, null,
           if(ig.followers + yt.followers > 0,
              round((ifNull(ig.engagement_rate, 0) * ig.followers + ifNull(yt.engagement_rate, 0) * yt.followers)
                    / (ig.followers + yt.followers), 4),
              null)), 'Nullable(Float64)') as engagement_rate
    from links l
    inner join {{ ref('mart_instagram_leaderboard') }} ig on ig.profile_id = l.profile_id
    inner join {{ ref('mart_youtube_leaderboard') }} yt on yt.channel_id = l.channel_id and yt.month = ig.month
    where {{ batch_slot('month1', 'month', ref('mart_instagram_leaderboard')) }}
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
    window prev as (partition by handle order by month rows between 1 preceding and current row)
)
where {{ batch_slot('month', 'month', ref('mart_instagram_leaderboard')) }}
