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

links AS (
    select channel_id, argMax(handle, ig_followers) AS linked_handle, argMax(profile_id, ig_followers) AS linked_profile_id
    from {{ ref('mart_linked_socials') }}
    where channel_id IS NOT NULL
    group by channel_id
),

ranked AS (
    select
        cm.*,
        rank() over (partition by cm.country order by cm.subscribers desc) AS country_rank,
        rank() over (partition by cm.country, cm._category order by cm.subscribers desc) AS category_rank,
        rank() over (order by cm.subscribers desc) AS subscribers_rank
    from channel_metrics cm
),

final_without_group_metrics AS (
    select
        r.channel_id AS channel_id,
        r.title AS title,
        r.handle AS handle,
        r.description AS description,
        r._category AS category,
        r.country AS country,
        r.language AS language,
        r.subscribers AS subscribers,
        r.total_views AS total_views,
        r.video_count AS video_count,
        r.thumbnail_url AS thumbnail_url,
        r.published_at AS published_at,
        assumeNotNull(r.subscriber_group) AS subscriber_group,
        r.group_key AS group_key,
        r.recent_videos AS recent_videos,
        r.avg_views AS avg_views,
        r.avg_likes AS avg_likes,
        r.avg_comments AS avg_comments,
        r.engagement_rate AS engagement_rate,
        r.views_to_subscribers AS views_to_subscribers,
        r.shorts_share AS shorts_share,
        r.avg_duration_seconds AS avg_duration_seconds,
        r.videos_per_week AS videos_per_week,
        r.last_video_at AS last_video_at,
        r.growth_last_week AS growth_last_week,
        r.subscribers_current_week AS subscribers_current_week,
        r.subscribers_7d_ago AS subscribers_7d_ago,
        r.subscribers_30d_ago AS subscribers_30d_ago,
        r.subscribers_90d_ago AS subscribers_90d_ago,
        r.subscribers_1y_ago AS subscribers_1y_ago,
        r.subscribers_growth7d AS subscribers_growth7d,
        r.subscribers_growth30d AS subscribers_growth30d,
        r.subscribers_growth90d AS subscribers_growth90d,
        r.subscribers_growth1y AS subscribers_growth1y,
        a.top_audience_gender AS top_audience_gender,
        a.top_audience_age AS top_audience_age,
        a.top_audience_country AS top_audience_country,
        a.audience_female_share AS audience_female_share,
        l.linked_handle AS linked_handle,
        l.linked_profile_id AS linked_profile_id,
        toUInt64(r.country_rank) AS country_rank,
        toUInt64(r.category_rank) AS category_rank,
        toUInt64(r.subscribers_rank) AS subscribers_rank,
        r.updated_at AS updated_at
    from ranked r
    left join {{ ref('mart_youtube_audience_info') }} a on a.channel_id = r.channel_id
    left join links l on l.channel_id = r.channel_id
)

select
    f.*,
    {%- for metric in metrics %}
    {{ discovery_grade('f.' ~ metric, 'gm', metric) }} AS {{ metric }}_grade,
    gm.group_avg_{{ metric }} AS group_avg_{{ metric }},
    {%- endfor %}
    gm.channels AS group_channels
from final_without_group_metrics f
left join {{ ref('mart_youtube_group_metrics') }} gm on gm.group_key = f.group_key
