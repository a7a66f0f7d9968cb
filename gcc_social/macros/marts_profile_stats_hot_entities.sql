{#- Profiles / channels with a post scraped inside the lookback window, for the partial
    (every 15 min) post ranker. The window is `hours` before the model's latest
    `last_updated`; on the first build, or when the model is still empty, before the
    newest scrape in the source, so the first run covers the last hours of scraping
    instead of every profile. -#}
{% macro marts_profile_stats_hot_entities(source, key, hours=4) -%}
select distinct {{ key }}
from {{ source }} /* dedup: distinct keys, max(updated_at) */
where updated_at > (
    {%- if is_incremental() %}
    select if(count() = 0, (select max(updated_at) from {{ source }} /* dedup: max */), max(last_updated)) - INTERVAL {{ hours }} HOUR
    from {{ this }} /* dedup: count/max */
    {%- else %}
    select max(updated_at) - INTERVAL {{ hours }} HOUR from {{ source }} /* dedup: max */
    {%- endif %}
)
{%- endmacro %}
