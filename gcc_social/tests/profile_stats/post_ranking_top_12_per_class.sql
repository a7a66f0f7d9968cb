{#- Post / video rankings hold ranks 1..n (n <= 12) per profile, class and metric, and
    only posts among the 12 newest of their class. The joins sort and merge: a hash join of
    every recent post went over the 3 GB query cap at 1M creators. -#}
{%- for model, recent, key, item, cls, recency in [
    ('mart_instagram_post_ranking', 'mart_instagram_recent_post_stats', 'profile_id', 'shortcode', 'post_class', 'post_rank_by_class'),
    ('mart_youtube_video_ranking', 'mart_youtube_recent_video_stats', 'channel_id', 'video_id', 'video_class', 'video_rank_by_class')] %}
select '{{ model }}' as model, {{ key }} as entity, {{ cls }} as class, metric, 'ranks not 1..n<=12' as problem
from {{ ref(model) }}
group by {{ key }}, {{ cls }}, metric
having max(rank) > 12 or max(rank) != count() or min(rank) != 1

union all

select '{{ model }}', r.{{ key }}, r.{{ cls }}, r.metric, 'not among the 12 newest of its class'
from {{ ref(model) }} r
left join {{ ref(recent) }} p on p.{{ item }} = r.{{ item }}
where p.{{ item }} = '' or p.{{ recency }} > 12
{% if not loop.last %}union all{% endif %}
{%- endfor %}
-- end_of_sql
settings join_algorithm = 'full_sorting_merge'
