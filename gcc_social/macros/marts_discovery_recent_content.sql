{#- Content a profile's averages are computed over: everything published in the last
    `days` days, or the latest `fallback` items for accounts that post rarely (so an
    inactive creator still shows typical numbers rather than none).
    The per-owner cut-off (publish time of the fallback-th latest item) comes from a
    hash aggregation with groupArraySorted instead of a row_number() window, which would
    sort every item of every owner. Items tied with the cut-off time are all kept. -#}
{% macro discovery_recent_content(relation, owner_column, days=90, fallback=12) -%}
    select content.*
    from {{ relation }} AS content final
    inner join (
        select
            {{ owner_column }} AS _owner,
            toDateTime(-arrayMax(groupArraySorted({{ fallback }})(-toInt64(toUnixTimestamp(publish_time))))) AS _fallback_since
        from {{ relation }} final
        group by {{ owner_column }}
    ) AS cutoff ON cutoff._owner = content.{{ owner_column }}
    where content.publish_time >= least(now() - INTERVAL {{ days }} DAY, cutoff._fallback_since)
{%- endmacro %}
