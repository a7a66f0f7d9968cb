{#- Aggregates over audience distribution rows (dimension, key, share) per profile:
    the largest bucket of a dimension and its share; ties go to the larger key so the
    result does not depend on row order. -#}
{% macro audience_top_key(dimension) -%}
    if(countIf(dimension = '{{ dimension }}') = 0, NULL, argMaxIf(key, (share, key), dimension = '{{ dimension }}'))
{%- endmacro %}

{% macro audience_top_share(dimension) -%}
    if(countIf(dimension = '{{ dimension }}') = 0, NULL, maxIf(share, dimension = '{{ dimension }}'))
{%- endmacro %}

{% macro audience_key_share(dimension, key) -%}
    if(countIf(dimension = '{{ dimension }}') = 0, NULL, sumIf(share, dimension = '{{ dimension }}' AND upper(key) = '{{ key }}'))
{%- endmacro %}
