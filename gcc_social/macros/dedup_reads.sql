{#- Dedup-safe reads of ReplacingMergeTree models (docs/engineering.md, "Reading
    ReplacingMergeTree models"). A ReplacingMergeTree folds duplicate keys only when
    ClickHouse merges parts, so every reader either reads with FINAL or deduplicates
    explicitly and says how in a `/* dedup: ... */` comment; tests/dbt/test_dedup_rule.py
    checks every compiled model and test against stir/dedup_rule.py.

    get_where_subquery overrides dbt's: every generic test (unique, not_null,
    unique_combination, accepted_range, ...) of a ReplacingMergeTree model reads it with
    FINAL, so a test sees what readers see whether or not the parts have merged. -#}
{% macro is_replacing_merge_tree(relation) -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and (node.alias or node.name) == relation.identifier
                  and 'ReplacingMergeTree' in (node.config.get('engine') or '') -%}
                {%- do found.append(node.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(found | length > 0) -}}
{%- endmacro %}

{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set final = is_replacing_merge_tree(relation) -%}
    {%- if where or final -%}
        {%- set filtered -%}
            (select * from {{ relation }}{{ ' final' if final }}{{ ' where ' ~ where if where }}) dbt_subquery
        {%- endset -%}
        {{- return(filtered) -}}
    {%- else -%}
        {{- return(relation) -}}
    {%- endif -%}
{%- endmacro %}

{#- dbt-clickhouse's relationships test, with the parent side documented: an existence
    check (anti-join) gives the same failures whether or not the parent has merged.
    A sorting merge join, because a hash join holds every parent key in memory: 74M post
    shortcodes at 1M creators went over the 3 GB query cap; sorts spill to disk. -#}
{% macro clickhouse__test_relationships(model, column_name, to, field) %}

with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),

parent as (
    select {{ field }} as to_field
    /* dedup: existence check only, duplicate parent keys change nothing */
    from {{ to }}
)

select
    from_field

from child
left join parent
    on child.from_field = parent.to_field

where parent.to_field is null
-- end_of_sql
settings join_use_nulls = 1, join_algorithm = 'full_sorting_merge'

{% endmacro %}
