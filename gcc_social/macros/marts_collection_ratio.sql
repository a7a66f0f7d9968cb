{#- num / den as Nullable(Float64): NULL instead of inf/NaN when den is 0 or NULL. -#}
{% macro marts_collection_ratio(num, den, scale=1) -%}
CAST(if(({{ den }}) != 0, toFloat64({{ num }}) * {{ scale }} / toFloat64({{ den }}), NULL), 'Nullable(Float64)')
{%- endmacro %}
