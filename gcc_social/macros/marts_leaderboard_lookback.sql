{#- The entities (profile_id / channel_id) with a row written since the model's latest
    `last_updated` minus `hours`. Incremental growth models recompute these entities'
    whole series, so window functions always see the previous period even when it was
    written long before the lookback window. -#}
{% macro marts_leaderboard_changed_entities(source, key, ts, hours=4) -%}
select distinct {{ key }}
from {{ source }} /* dedup: distinct keys */
where {{ ts }} > (
    select if(count() = 0, toDateTime(0), max(last_updated) - INTERVAL {{ hours }} HOUR)
    from {{ this }} /* dedup: count/max are insensitive to duplicate keys */
)
{%- endmacro %}
