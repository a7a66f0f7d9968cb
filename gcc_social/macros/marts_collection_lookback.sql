{#-
    Lower bound of an incremental run: 4 hours before the newest <column> already in
    {{ this }} (late scrapes land within that window). An empty table must not compute
    max() - 4h: DateTime arithmetic wraps 1970-01-01 minus 4 h to 2106, and the model
    would never pick up a row again.
-#}
{% macro marts_collection_lookback(column, hours=4) -%}
(select if(count() = 0, toDateTime(0), max({{ column }}) - INTERVAL {{ hours }} HOUR) from {{ this }} /* dedup: count/max */)
{%- endmacro %}
