{#- Per-channel video statistics over the 12 newest videos of each class, the YouTube
    counterpart of marts_profile_stats_ig_account_summary. -#}
{% macro marts_profile_stats_yt_channel_summary(recent) -%}
with recent_videos_by_class as (
    select
        *,
        rank() over (partition by channel_id, video_class
                     order by views desc, likes desc, publish_time desc) as views_rank_by_class
    from {{ recent }}
    where video_rank_by_class <= 12
),

per_channel as (
    select
        channel_id,
        any(subscribers) as subscribers,
        toInt64(count()) as video_count,
        toInt64(countIf(video_class = 'short')) as shorts_count,
        toInt64(countIf(video_class = 'video')) as long_form_count,
        {{ marts_profile_stats_avg_if('views') }} as avg_views,
        {{ marts_profile_stats_avg_if('likes') }} as avg_likes,
        {{ marts_profile_stats_avg_if('comments') }} as avg_comments,
        {{ marts_profile_stats_avg_if('views', "video_class = 'short'") }} as avg_short_views,
        {{ marts_profile_stats_avg_if('views', "video_class = 'video'") }} as avg_long_form_views,
        nullIf(argMinIf(video_id, (views_rank_by_class, video_id), video_class = 'video'), '') as top_video_by_views,
        nullIf(argMinIf(video_id, (views_rank_by_class, video_id), video_class = 'short'), '') as top_short_by_views,
        max(publish_time) as last_upload_time,
        max(last_updated) as last_updated
    from recent_videos_by_class
    group by channel_id
)

select
    channel_id,
    subscribers,
    video_count,
    shorts_count,
    long_form_count,
    avg_views,
    avg_likes,
    avg_comments,
    avg_short_views,
    avg_long_form_views,
    CAST({{ engagement_rate('avg_likes + avg_comments', 'avg_views') }}, 'Nullable(Float64)') as engagement_rate,
    CAST(if(ifNull(subscribers, 0) > 0, avg_views / subscribers, NULL), 'Nullable(Float64)') as views_to_subscribers,
    if(video_count = 0, NULL, toFloat64(shorts_count) / video_count) as shorts_share,
    top_video_by_views,
    top_short_by_views,
    last_upload_time,
    last_updated
from per_channel
{%- endmacro %}
