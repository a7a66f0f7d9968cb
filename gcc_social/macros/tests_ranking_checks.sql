{#- Checks of the post / video rankings, one singular test per model and check: run as one
    statement (a UNION of all four) they went over the 3 GB query cap at 1M creators,
    since the branches' aggregations and sorts hold memory at the same time. -#}

{#- Ranks are 1..n (n <= 12) per entity, class and metric. -#}
{% macro ranking_ranks_are_1_to_n(model, key, cls) -%}
select {{ key }} as entity, {{ cls }} as class, metric, max(rank) as max_rank, count() as ranked
from {{ ref(model) }}
group by {{ key }}, {{ cls }}, metric
having max(rank) > 12 or max(rank) != count() or min(rank) != 1
{%- endmacro %}

{#- Only items among the 12 newest of their class are ranked (a sorting merge join: a hash
    join of every recent post does not fit the query cap at 1M creators). -#}
{% macro ranking_only_12_newest(model, recent, item, recency) -%}
select r.{{ item }} as item, p.{{ recency }} as recency
from {{ ref(model) }} as r
left join {{ ref(recent) }} as p on r.{{ item }} = p.{{ item }}
where p.{{ item }} = '' or p.{{ recency }} > 12
-- end_of_sql
settings join_algorithm = 'full_sorting_merge'
{%- endmacro %}
