{#- Models go to exactly the configured schema (ClickHouse database), not <target>_<schema>. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
