{#- The metrics a YouTube channel is graded on against its subscriber group x category. -#}
{% macro discovery_youtube_metrics() -%}
    {{ return([
        "subscribers", "total_views", "avg_views", "avg_likes", "avg_comments",
        "engagement_rate", "views_to_subscribers", "subscribers_growth7d",
        "subscribers_growth30d", "subscribers_growth90d", "videos_per_week"
    ]) }}
{%- endmacro %}

{#- CTEs (ending in `channel_metrics`) with one row per channel: profile fields, the graded
    metrics, subscriber_group and group_key. Shared by mart_youtube_account and
    mart_youtube_group_metrics so grades and percentiles see the same values. -#}
{% macro discovery_youtube_channel_ctes() -%}
channels AS (
    select * from {{ ref('stg_beat_youtube_channel') }}
),

recent_videos AS (
    {{ discovery_recent_content(ref('mart_youtube_video'), 'channel_id') }}
),

video_stats AS (
    select
        channel_id,
        toUInt64(count()) AS recent_videos,
        avg(views) AS avg_views,
        avg(likes) AS avg_likes,
        avg(comments) AS avg_comments,
        {{ discovery_safe_div('sum(likes + comments)', 'sum(views)') }} * 100 AS engagement_rate,
        {{ discovery_safe_div('countIf(is_short = 1)', 'count()') }} AS shorts_share,
        avg(duration_seconds) AS avg_duration_seconds,
        -- uploads per week over the span the recent videos cover (at least one week)
        count() / greatest(dateDiff('day', min(publish_time), now()) / 7, 1) AS videos_per_week,
        max(publish_time) AS last_video_at
    from recent_videos
    group by channel_id
),

overtime_growth AS (
    {{ discovery_weekly_growth(ref('mart_yt_account_weekly'), 'channel_id', 'subscribers', 'channel_id', 'subscribers') }}
),

metrics_by_channel AS (
    select
        c.channel_id AS channel_id,
        c.title AS title,
        c.handle AS handle,
        c.description AS description,
        c.category AS category,
        c.country AS country,
        c.language AS language,
        toInt64(ifNull(c.subscribers, 0)) AS subscribers,
        toInt64(ifNull(c.views, 0)) AS total_views,
        toInt64(ifNull(c.video_count, 0)) AS video_count,
        c.thumbnail_url AS thumbnail_url,
        c.published_at AS published_at,
        c.updated_at AS updated_at,
        vs.recent_videos AS recent_videos,
        vs.avg_views AS avg_views,
        vs.avg_likes AS avg_likes,
        vs.avg_comments AS avg_comments,
        vs.engagement_rate AS engagement_rate,
        {{ discovery_safe_div('vs.avg_views', 'c.subscribers') }} AS views_to_subscribers,
        vs.shorts_share AS shorts_share,
        vs.avg_duration_seconds AS avg_duration_seconds,
        vs.videos_per_week AS videos_per_week,
        vs.last_video_at AS last_video_at,
        og.last_week AS growth_last_week,
        og.subscribers_current_week AS subscribers_current_week,
        og.subscribers_7d_ago AS subscribers_7d_ago,
        og.subscribers_30d_ago AS subscribers_30d_ago,
        og.subscribers_90d_ago AS subscribers_90d_ago,
        og.subscribers_1y_ago AS subscribers_1y_ago,
        og.subscribers_growth7d AS subscribers_growth7d,
        og.subscribers_growth30d AS subscribers_growth30d,
        og.subscribers_growth90d AS subscribers_growth90d,
        og.subscribers_growth1y AS subscribers_growth1y
    from channels c
    left join video_stats vs on vs.channel_id = c.channel_id
    left join overtime_growth og on og.channel_id = c.channel_id
),

channel_metrics AS (
    select
        *,
        -- subscribers is never NULL here, so neither is the bucket (it is part of the sorting key)
        assumeNotNull({{ discovery_follower_group('subscribers') }}) AS subscriber_group,
        nullIf(trimBoth(ifNull(category, '')), '') AS _category,
        count() over (partition by subscriber_group, _category) AS _category_group_size,
        concat(
            subscriber_group, '|',
            if(_category IS NOT NULL AND _category_group_size >= {{ discovery_min_group_size() }}, assumeNotNull(_category), 'ALL')
        ) AS group_key
    from metrics_by_channel
)
{%- endmacro %}
