{#- The original's incremental window: re-read everything newer than the model's
    latest timestamp minus `hours`, so rows that arrive late (within the window) are
    picked up; ReplacingMergeTree folds the re-read rows back into one per key.
    Unlike the original, an empty target re-reads everything (max() of an empty
    DateTime column is 1970 and subtracting hours from it would wrap around). -#}
{% macro incremental_lookback(ts, hours=4) -%}
{%- if is_incremental() %}
where {{ ts }} > (
    select if(count() = 0, toDateTime(0), max({{ ts }}) - INTERVAL {{ hours }} HOUR)
    from {{ this }}
)
{%- endif %}
{%- endmacro %}
