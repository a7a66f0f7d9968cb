{#- The 28 rank columns over a relation holding month, category, language, profile_type
    and one column per axis. A profile whose metric (or partition value) is unknown gets
    NULL instead of a rank: the null flag is part of the window partition, so unknown rows
    never push known ones down. rank() keeps ties on the same rank like the original.
    Partitions are keyed on hashes of the dimension strings: each of the 28 windows sorts
    the whole month, and integer keys sort about a third faster than Nullable(String).
    `axes` limits the columns to some axes (default all), so a model can rank each axis
    on its own narrow projection. -#}
{% macro marts_leaderboard_rank_columns(axes=none) -%}
    {%- for axis in (axes or marts_leaderboard_rank_axes()) %}
        {%- for suffix, cols in marts_leaderboard_rank_partitions() %}
            {%- set null_checks = [axis ~ ' is null'] -%}
            {%- for c in cols %}{% do null_checks.append(c ~ ' is null') %}{% endfor %}
        if({{ null_checks | join(' or ') }}, NULL, toUInt64(rank() over (
            partition by month{% for c in cols %}, cityHash64({{ c }}){% endfor %}, {{ null_checks | join(' or ') }}
            order by {{ axis }} desc
        ))) as {{ axis }}_rank{{ suffix }}{{ "," if not loop.last }}
        {%- endfor %}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- Last month's value of every rank column (NULL when the entity has no row for the
    calendar month right before). `window_name` must be partitioned by the entity and
    ordered by month. `keys` limits it to some rank columns (default all 28). -#}
{% macro marts_leaderboard_prev_rank_columns(window_name, keys=none) -%}
    {%- for key in (keys or marts_leaderboard_rank_keys()) %}
        if(lagInFrame(toNullable(month)) over {{ window_name }} = addMonths(month, -1),
           lagInFrame({{ key }}) over {{ window_name }}, NULL) as {{ key }}_prev{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- A Map(String, UInt64) of all 28 ranks; 0 = not ranked (the original's convention,
    which the serving layer already understands). column_suffix '' = this month,
    '_prev' = last month. -#}
{% macro marts_leaderboard_rank_map(column_suffix='') -%}
CAST(map(
    {%- for key in marts_leaderboard_rank_keys() %}
    '{{ key }}', ifNull({{ key }}{{ column_suffix }}, 0){{ "," if not loop.last }}
    {%- endfor %}
), 'Map(String, UInt64)')
{%- endmacro %}
