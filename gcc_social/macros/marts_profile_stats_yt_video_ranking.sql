{#- Long format: the 12 newest videos of each class per channel, ranked by each metric
    (ties broken by likes, recency and video_id so each rank is one video). -#}
{% macro marts_profile_stats_yt_rank_orders() -%}
    {{ return([
        ('views', 'views desc, likes desc, publish_time desc'),
        ('likes', 'likes desc, comments desc, publish_time desc'),
        ('comments', 'comments desc, likes desc, publish_time desc'),
    ]) }}
{%- endmacro %}

{% macro marts_profile_stats_yt_video_ranking(recent) -%}
{%- for metric, ordering in marts_profile_stats_yt_rank_orders() %}
select
    channel_id,
    video_class,
    '{{ metric }}' as metric,
    toUInt64(row_number() over (partition by channel_id, video_class order by {{ ordering }}, video_id)) as rank,
    video_id,
    toInt64({{ metric }}) as value,
    views,
    likes,
    comments,
    er,
    publish_time,
    last_updated
from {{ recent }}
where video_rank_by_class <= 12
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- endmacro %}
