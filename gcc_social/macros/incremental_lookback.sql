{#- The original's incremental window: re-read everything newer than the model's
    latest timestamp minus `hours`, so rows that arrive late (within the window) are
    picked up; ReplacingMergeTree folds the re-read rows back into one per key.
    Unlike the original, an empty target re-reads everything (max() of an empty
    DateTime column is 1970 and subtracting hours from it would wrap around).
    `this_ts` names the model's own timestamp when it differs from the input's. -#}
{% macro incremental_lookback(ts, hours=4, this_ts=none) -%}
{%- if is_incremental() %}
where {{ ts }} > (
    select if(count() = 0, toDateTime(0), max({{ this_ts or ts }}) - INTERVAL {{ hours }} HOUR)
    from {{ this }} /* dedup: count/max */
)
{%- endif %}
{%- endmacro %}

{#- For "latest state" marts (one row per post/video over all its scrapes): an
    incremental run recomputes only the keys scraped within the lookback window, from
    every scrape of those keys, so first-seen dates and scrape counts stay whole.
    Pair with incremental_strategy='delete_insert' on `key`. -#}
{% macro changed_keys(key, relation, ts, this_ts, hours=4) -%}
{%- if is_incremental() %}
where {{ key }} in (
    select {{ key }}
    from {{ relation }} /* dedup: IN (set of keys) */
    {{ incremental_lookback(ts, hours, this_ts) }}
)
{%- endif %}
{%- endmacro %}
