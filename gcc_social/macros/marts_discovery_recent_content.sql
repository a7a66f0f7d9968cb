{#- Content a profile's averages are computed over: everything published in the last
    `days` days, or the latest `fallback` items for accounts that post rarely (so an
    inactive creator still shows typical numbers rather than none). -#}
{% macro discovery_recent_content(relation, owner_column, days=90, fallback=12) -%}
    select *
    from (
        select *, row_number() over (partition by {{ owner_column }} order by publish_time desc) AS _recency_rank
        from {{ relation }}
    )
    where publish_time >= now() - INTERVAL {{ days }} DAY OR _recency_rank <= {{ fallback }}
{%- endmacro %}
