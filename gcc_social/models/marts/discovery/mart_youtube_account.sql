{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='channel_id',
    query_settings={'join_use_nulls': 1},
) }}
{%- set metrics = discovery_youtube_metrics() %}

-- The master YouTube channel profile: latest channel state, recent-video averages,
-- subscriber growth windows, ranks, linked Instagram handle and peer grades.
with
{{ discovery_youtube_channel_ctes() }},

links as (
    select channel_id, argMax(handle, ig_followers) as linked_handle, argMax(profile_id, ig_followers) as linked_profile_id
    from {{ ref('mart_linked_socials') }}
    where channel_id is not NULL
    group by channel_id
),

ranked as (
    select
        cm.*,
        rank() over (partition by cm.country order by cm.subscribers desc) as country_rank,
        rank() over (partition by cm.country, cm._category order by cm.subscribers desc) as category_rank,
        rank() over (order by cm.subscribers desc) as subscribers_rank
    from channel_metrics cm
),

final_without_group_metrics as (
    select
        r.channel_id as channel_id,
        r.title as title,
        r.handle as handle,
        r.description as description,
        r._category as category,
        r.country as country,
        r.language as language,
        r.subscribers as subscribers,
        r.total_views as total_views,
        r.video_count as video_count,
        r.thumbnail_url as thumbnail_url,
        r.published_at as published_at,
        assumeNotNull(r.subscriber_group) as subscriber_group,
        r.group_key as group_key,
        r.recent_videos as recent_videos,
        r.avg_views as avg_views,
        r.avg_likes as avg_likes,
        r.avg_comments as avg_comments,
        r.engagement_rate as engagement_rate,
        r.views_to_subscribers as views_to_subscribers,
        r.shorts_share as shorts_share,
        r.avg_duration_seconds as avg_duration_seconds,
        r.videos_per_week as videos_per_week,
        r.last_video_at as last_video_at,
        r.growth_last_week as growth_last_week,
        r.subscribers_current_week as subscribers_current_week,
        r.subscribers_7d_ago as subscribers_7d_ago,
        r.subscribers_30d_ago as subscribers_30d_ago,
        r.subscribers_90d_ago as subscribers_90d_ago,
        r.subscribers_1y_ago as subscribers_1y_ago,
        r.subscribers_growth7d as subscribers_growth7d,
        r.subscribers_growth30d as subscribers_growth30d,
        r.subscribers_growth90d as subscribers_growth90d,
        r.subscribers_growth1y as subscribers_growth1y,
        a.top_audience_gender as top_audience_gender,
        a.top_audience_age as top_audience_age,
        a.top_audience_country as top_audience_country,
        a.audience_female_share as audience_female_share,
        l.linked_handle as linked_handle,
        l.linked_profile_id as linked_profile_id,
        toUInt64(r.country_rank) as country_rank,
        toUInt64(r.category_rank) as category_rank,
        toUInt64(r.subscribers_rank) as subscribers_rank,
        r.updated_at as updated_at
    from ranked r
    left join {{ ref('mart_youtube_audience_info') }} a on a.channel_id = r.channel_id
    left join links l on l.channel_id = r.channel_id
)

select
    f.*,
    {%- for metric in metrics %}
    {{ discovery_grade('f.' ~ metric, 'gm', metric) }} as {{ metric }}_grade,
    gm.group_avg_{{ metric }} as group_avg_{{ metric }},
    {%- endfor %}
    gm.channels as group_channels
from final_without_group_metrics f
left join {{ ref('mart_youtube_group_metrics') }} gm on gm.group_key = f.group_key
