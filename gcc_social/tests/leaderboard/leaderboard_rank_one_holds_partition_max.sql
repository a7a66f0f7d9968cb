{#- Rank 1 of every leaderboard partition (each of the 28 rank dimensions, per month) has
    that partition's maximum of the metric, and every partition with ranked rows has a
    rank 1. Returns the offending partitions. -#}
{%- set models = ['mart_instagram_leaderboard', 'mart_youtube_leaderboard', 'mart_cross_platform_leaderboard'] %}
{%- set checks = [] %}
{%- for model in models %}
    {%- for axis in marts_leaderboard_rank_axes() %}
        {%- for suffix, cols in marts_leaderboard_rank_partitions() %}
            {%- do checks.append((model, axis, axis ~ '_rank' ~ suffix, cols)) %}
        {%- endfor %}
    {%- endfor %}
{%- endfor %}

{%- for model, axis, key, cols in checks %}
select
    '{{ model }}' as model,
    '{{ key }}' as rank_column,
    month,
    toString(tuple({{ (cols or ['1']) | join(', ') }})) as partition_value
from {{ ref(model) }}
where {{ key }} is not null
group by month{% for c in cols %}, {{ c }}{% endfor %}
having countIf({{ key }} = 1) = 0 or minIf({{ axis }}, {{ key }} = 1) != max({{ axis }})
{% if not loop.last %}union all{% endif %}
{%- endfor %}
