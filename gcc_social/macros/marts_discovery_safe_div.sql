{#- Ratio as Float64 that is NULL instead of inf/NaN when the denominator is 0 or NULL. -#}
{% macro discovery_safe_div(numerator, denominator) -%}
    if(ifNull(toFloat64({{ denominator }}), 0) = 0, NULL, toFloat64({{ numerator }}) / toFloat64({{ denominator }}))
{%- endmacro %}
