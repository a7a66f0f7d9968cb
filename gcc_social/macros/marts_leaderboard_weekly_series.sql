{#- One row per (entity, week) from a snapshot time series, with week-over-week change.

    The week's value is its latest snapshot (argMax over date, then write time, so a late
    correction of the same day wins). groupArray over the 1-preceding frame gives the
    previous week as in the original; unlike the original, an entity's first week has no
    previous week (the frame holds one element) and gets NULL change instead of 0, and a
    gap of more than one week also gives NULL: a change over several weeks is not a weekly
    change.

    On incremental runs only entities with rows written inside the lookback window are
    recomputed, over their full history, so followers_prev is right for re-processed
    weeks and for weeks after a late-inserted week. -#}
{% macro marts_leaderboard_weekly_series(source, key, values, change_values) -%}
with
{%- if is_incremental() %}
changed as (
    {{ marts_leaderboard_changed_entities(source, key, 'created_at') }}
),
{%- endif %}

snapshots as (
    select
        {{ key }},
        toStartOfWeek(date) as week,
        {%- for v in values %}
        toInt64(argMax({{ v }}, {{ date_then_ts('date', 'created_at') }})) as {{ v }},
        {%- endfor %}
        max(created_at) as last_updated
    from {{ source }} /* dedup: argMax over (date, created_at) and max per (key, week) */
    {%- if is_incremental() %}
    where {{ key }} in (select {{ key }} from changed)
    {%- endif %}
    {#- a first build goes a slice of entities at a time (partition_batches.sql) -#}
    {{ batch_where('range', key, source) }}
    group by {{ key }}, week
),

windowed as (
    select
        *,
        groupArray(week) over w as week_values,
        {%- for v in change_values %}
        groupArray({{ v }}) over w as {{ v }}_values,
        {%- endfor %}
        length(week_values) = 2 and dateDiff('day', week_values[1], week) <= 7 as _has_prev
    from snapshots
    window w as (partition by {{ key }} order by week asc rows between 1 preceding and 0 following)
)

select
    {{ key }},
    week,
    {%- for v in values %}
    {{ v }},
    {%- endfor %}
    if(length(week_values) = 2, week_values[1], NULL) as p_week,
    toUInt8(_has_prev) as last_week_available,
    {%- for v in change_values %}
    if(_has_prev, {{ v }}_values[1], NULL) as {{ v }}_prev,
    if(_has_prev, {{ v }} - {{ v }}_values[1], NULL) as {{ v }}_change,
    {%- endfor %}
    last_updated
from windowed
{%- endmacro %}
