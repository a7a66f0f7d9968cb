{#- Fails with every key combination that occurs more than once. A ReplacingMergeTree
    model arrives here already read with FINAL (macros/dedup_reads.sql,
    get_where_subquery): one row per key is the guarantee the model makes to readers. -#}
{% test unique_combination(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count() as n_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having n_rows > 1
{% endtest %}
