{#- Hours a brand waits for a data request before it counts as an SLA breach. -#}
{% macro marts_data_request_sla_hours() -%}
{{ return(var('data_request_sla_hours', 24)) }}
{%- endmacro %}
