{#- Long format: the 12 newest videos of each class per channel, ranked by views, likes
    and comments (ties broken by the other counters, recency and video_id so each rank is
    one video). One pass over `recent` (see marts_profile_stats_ig_post_ranking). -#}
{% macro marts_profile_stats_yt_video_ranking(recent, batched=false) -%}
select
    channel_id,
    video_class,
    metric,
    toUInt64(row_number() over (
        partition by channel_id, video_class, metric
        order by sort_key.1 desc, sort_key.2 desc, publish_time desc, video_id
    )) as rank,
    video_id,
    toInt64(sort_key.1) as value,
    views,
    likes,
    comments,
    er,
    publish_time,
    last_updated
from (
    select
        *,
        arrayJoin(['views', 'likes', 'comments']) as metric,
        multiIf(
            metric = 'views', tuple(views, likes),
            metric = 'likes', tuple(likes, comments),
            tuple(comments, likes)
        ) as sort_key
    from {{ recent }}
    where video_rank_by_class <= 12
    {%- if batched %} and {{ batch_slot('range', 'channel_id', recent) }}{% endif %}
)
{%- endmacro %}
