{#- Week x category x country growth from a weekly series (mart_*_account_weekly, read
    with FINAL so rows re-appended by the lookback count once) over the last 52 weeks.
    Growth % is per creator (change / previous week), its median is what a "typical
    creator in this segment" grew; missing category/country are 'UNKNOWN'. -#}
{% macro marts_leaderboard_growth_weekly_agg(weekly, key, dims, value) -%}
with weeks as (
    select {{ key }}, week, {{ value }}, {{ value }}_prev, {{ value }}_change
    from {{ weekly }} final
    where week >= toStartOfWeek(today()) - INTERVAL 52 WEEK
),

dims as (
    select
        {{ key }},
        ifNull(nullIf(trimBoth(ifNull(category, '')), ''), 'UNKNOWN') as category,
        ifNull(nullIf(upper(trimBoth(ifNull(country, ''))), ''), 'UNKNOWN') as country
    from {{ dims }}
)

select
    w.week as week,
    if(d.{{ key }} = '', 'UNKNOWN', d.category) as category,
    if(d.{{ key }} = '', 'UNKNOWN', d.country) as country,
    toUInt64(count()) as creators,
    toUInt64(countIf(w.{{ value }}_change is not null)) as creators_with_change,
    toInt64(sum(w.{{ value }})) as total_{{ value }},
    toInt64(sumIf(w.{{ value }}_change, w.{{ value }}_change is not null)) as total_{{ value }}_change,
    CAST(if(creators_with_change = 0, NULL,
            round(avgIf(w.{{ value }}_change, w.{{ value }}_change is not null), 4)), 'Nullable(Float64)')
        as avg_{{ value }}_change,
    CAST(if(countIf(w.{{ value }}_prev > 0) = 0, NULL,
            round(medianExactIf(w.{{ value }}_change / w.{{ value }}_prev * 100, w.{{ value }}_prev > 0), 4)),
         'Nullable(Float64)') as median_growth_pct,
    toUInt64(countIf(w.{{ value }}_change > 0)) as growers,
    toUInt64(countIf(w.{{ value }}_change < 0)) as decliners
from weeks w
left join dims d on d.{{ key }} = w.{{ key }}
group by week, category, country
{%- endmacro %}
