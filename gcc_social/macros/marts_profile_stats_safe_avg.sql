{#- Average of `expr` over the rows matching `cond`, NULL when no row has a value.
    ClickHouse's avgIf over zero rows is nan, which would flow into grades and rates as
    a number; NULL says "not measured". -#}
{% macro marts_profile_stats_avg_if(expr, cond='1') -%}
if(countIf(({{ cond }}) and ({{ expr }}) is not null) = 0, NULL,
   avgIf(toFloat64({{ expr }}), ({{ cond }}) and ({{ expr }}) is not null))
{%- endmacro %}
