{#- Fails with every key combination that occurs more than once.
    final=true reads a ReplacingMergeTree model with FINAL: an incremental append can
    leave re-read rows in separate parts until a merge, but FINAL (and argMax readers)
    always see one row per key, which is the guarantee the model makes. -#}
{% test unique_combination(model, combination_of_columns, final=false) %}
select {{ combination_of_columns | join(', ') }}, count() as n_rows
from {{ model }}{% if final %} final{% endif %}
group by {{ combination_of_columns | join(', ') }}
having n_rows > 1
{% endtest %}
