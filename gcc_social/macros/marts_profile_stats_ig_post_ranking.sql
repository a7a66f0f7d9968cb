{#- Long format for the profile page: for every profile, class and metric, the 12 newest
    posts of the class ranked by the metric (the original's orderings; ties broken by
    shortcode so each (profile, class, metric, rank) is one post). Posts without the
    metric (an image has no plays) are not ranked on it. -#}
{% macro marts_profile_stats_ig_rank_orders() -%}
    {{ return([
        ('likes', 'likes desc, comments desc, publish_time desc'),
        ('comments', 'comments desc, likes desc, publish_time desc'),
        ('plays', 'plays desc, likes desc, comments desc, publish_time desc'),
        ('views', 'views desc, likes desc, comments desc, publish_time desc'),
    ]) }}
{%- endmacro %}

{% macro marts_profile_stats_ig_post_ranking(recent) -%}
{%- for metric, ordering in marts_profile_stats_ig_rank_orders() %}
select
    profile_id,
    post_class,
    '{{ metric }}' as metric,
    toUInt64(row_number() over (partition by profile_id, post_class order by {{ ordering }}, shortcode)) as rank,
    shortcode,
    toInt64({{ metric }}) as value,
    likes,
    comments,
    views,
    plays,
    er,
    publish_time,
    last_updated
from {{ recent }}
where post_rank_by_class <= 12 and {{ metric }} is not null
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- endmacro %}
