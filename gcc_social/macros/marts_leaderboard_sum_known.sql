{#- a + b where a missing side adds nothing; NULL only when both are missing, so a
    creator without Shorts still gets a combined plays figure from reels. -#}
{% macro marts_leaderboard_sum_known(a, b) -%}
if({{ a }} is null and {{ b }} is null, NULL, ifNull({{ a }}, 0) + ifNull({{ b }}, 0))
{%- endmacro %}
