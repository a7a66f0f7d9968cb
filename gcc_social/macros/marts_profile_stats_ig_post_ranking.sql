{#- Long format for the profile page: for every profile, class and metric, the 12 newest
    posts of the class ranked by the metric (the original's orderings; ties broken by
    shortcode so each (profile, class, metric, rank) is one post). Posts without the
    metric (an image has no plays) are not ranked on it.
    One pass: arrayJoin fans each post out to its metrics, and the sort key is picked per
    metric, so `recent` (a table, or a whole subquery in partial runs) is read once. -#}
{% macro marts_profile_stats_ig_post_ranking(recent, batched=false) -%}
select
    profile_id,
    post_class,
    metric,
    toUInt64(row_number() over (
        partition by profile_id, post_class, metric
        order by sort_key.1 desc, sort_key.2 desc, sort_key.3 desc, publish_time desc, shortcode
    )) as rank,
    shortcode,
    toInt64(sort_key.1) as value,
    likes,
    comments,
    views,
    plays,
    er,
    publish_time,
    last_updated
from (
    select
        *,
        arrayJoin(['likes', 'comments', 'plays', 'views']) as metric,
        -- (metric, first tie-break, second tie-break), the original's orderings
        multiIf(
            metric = 'likes', tuple(likes, comments, toInt64(0)),
            metric = 'comments', tuple(comments, likes, toInt64(0)),
            metric = 'plays', tuple(ifNull(plays, 0), likes, comments),
            tuple(ifNull(views, 0), likes, comments)
        ) as sort_key
    from {{ recent }}
    where post_rank_by_class <= 12
    {%- if batched %} and {{ batch_slot('range', 'profile_id', recent) }}{% endif %}
)
where not (metric = 'plays' and plays is null) and not (metric = 'views' and views is null)
{%- endmacro %}
