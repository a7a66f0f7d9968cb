{#- Growth over 7d/30d/90d/1y from a weekly snapshot model.
    argMaxIf alone returns the type's default (0) when no week is old enough, which would
    turn "no history" into "grew by everything"; the countIf guard makes it NULL instead. -#}
{% macro discovery_weekly_growth(relation, id_column, value_column, out_id, prefix) -%}
    select
        {{ id_column }} AS {{ out_id }},
        max(week) AS last_week,
        toInt64(argMax({{ value_column }}, week)) AS {{ prefix }}_current_week,
        {%- for label, interval in [('7d', '7 DAY'), ('30d', '30 DAY'), ('90d', '90 DAY'), ('1y', '1 YEAR')] %}
        if(
            countIf(week < toStartOfWeek(now()) - INTERVAL {{ interval }}) = 0, NULL,
            toInt64(argMaxIf({{ value_column }}, week, week < toStartOfWeek(now()) - INTERVAL {{ interval }}))
        ) AS {{ prefix }}_{{ label }}_ago,
        {{ prefix }}_current_week - {{ prefix }}_{{ label }}_ago AS {{ prefix }}_growth{{ label }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }} final
    group by {{ id_column }}
{%- endmacro %}
