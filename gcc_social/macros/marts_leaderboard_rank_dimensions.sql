{#- The leaderboard's rank dimensions: 4 axes x 7 partitions = 28 ranks. This list is the
    single definition the platform leaderboards, the rank maps of mart_leaderboard and the
    singular tests all loop over, so adding a dimension is one edit here. -#}
{% macro marts_leaderboard_rank_axes() -%}
    {{ return(['followers', 'followers_change', 'views', 'plays']) }}
{%- endmacro %}

{#- suffix -> the columns the rank is partitioned by (besides month). -#}
{% macro marts_leaderboard_rank_partitions() -%}
    {{ return([
        ('', []),
        ('_by_cat', ['category']),
        ('_by_lang', ['language']),
        ('_by_cat_lang', ['category', 'language']),
        ('_by_type', ['profile_type']),
        ('_by_type_cat', ['profile_type', 'category']),
        ('_by_type_lang', ['profile_type', 'language']),
    ]) }}
{%- endmacro %}

{#- Every rank column name, e.g. followers_rank, views_rank_by_cat_lang. -#}
{% macro marts_leaderboard_rank_keys() -%}
    {%- set keys = [] -%}
    {%- for axis in marts_leaderboard_rank_axes() -%}
        {%- for suffix, _cols in marts_leaderboard_rank_partitions() -%}
            {%- do keys.append(axis ~ '_rank' ~ suffix) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(keys) }}
{%- endmacro %}
