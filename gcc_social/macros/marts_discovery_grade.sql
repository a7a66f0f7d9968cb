{#- A metric is gradable only when it carries information: 0, NULL, NaN and inf get no grade. -#}
{% macro discovery_is_gradable(metric) -%}
    ifNull(toFloat64({{ metric }}) != 0 AND isFinite(toFloat64({{ metric }})), 0)
{%- endmacro %}

{#- Peer grade of a metric against its group's percentiles (strictly above the cut-off). -#}
{% macro discovery_grade(metric, group_alias, column=none) -%}
    {%- set col = column or metric -%}
    multiIf(
        NOT {{ discovery_is_gradable(metric) }}, NULL,
        {{ metric }} > {{ group_alias }}.p90_{{ col }}, 'Excellent',
        {{ metric }} > {{ group_alias }}.p75_{{ col }}, 'Very Good',
        {{ metric }} > {{ group_alias }}.p60_{{ col }}, 'Good',
        {{ metric }} > {{ group_alias }}.p40_{{ col }}, 'Average',
        'Poor'
    )
{%- endmacro %}

{% macro discovery_grades() -%}
    {{ return(['Excellent', 'Very Good', 'Good', 'Average', 'Poor']) }}
{%- endmacro %}

{#- p40/p60/p75/p90 + average of one metric over the gradable values of a group.
    quantilesExactInclusive interpolates between exact values, so a group's cut-offs are
    deterministic (no sampling, unlike quantileTDigest). -#}
{% macro discovery_group_percentiles(metric) -%}
    quantilesExactInclusiveIf(0.4, 0.6, 0.75, 0.9)(toFloat64({{ metric }}), {{ discovery_is_gradable(metric) }}) AS _q_{{ metric }},
    if(countIf({{ discovery_is_gradable(metric) }}) = 0, NULL, _q_{{ metric }}[1]) AS p40_{{ metric }},
    if(countIf({{ discovery_is_gradable(metric) }}) = 0, NULL, _q_{{ metric }}[2]) AS p60_{{ metric }},
    if(countIf({{ discovery_is_gradable(metric) }}) = 0, NULL, _q_{{ metric }}[3]) AS p75_{{ metric }},
    if(countIf({{ discovery_is_gradable(metric) }}) = 0, NULL, _q_{{ metric }}[4]) AS p90_{{ metric }},
    if(countIf({{ discovery_is_gradable(metric) }}) = 0, NULL, avgIf(toFloat64({{ metric }}), {{ discovery_is_gradable(metric) }})) AS group_avg_{{ metric }}
{%- endmacro %}
