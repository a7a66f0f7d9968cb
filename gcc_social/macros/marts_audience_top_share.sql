{#- Aggregates over audience distribution rows (dimension, key, share) per profile:
    the largest bucket of a dimension and its share; ties go to the larger key so the
    result does not depend on row order. -#}
{% macro audience_top_key(dimension) -%}
    if(countIf(dimension = '{{ dimension }}') = 0, NULL, argMaxIf(key, (share, key), dimension = '{{ dimension }}'))
{%- endmacro %}

{% macro audience_top_share(dimension) -%}
    if(countIf(dimension = '{{ dimension }}') = 0, NULL, maxIf(share, dimension = '{{ dimension }}'))
{%- endmacro %}

{% macro audience_key_share(dimension, key) -%}
    if(countIf(dimension = '{{ dimension }}') = 0, NULL, sumIf(share, dimension = '{{ dimension }}' AND upper(key) = '{{ key }}'))
{%- endmacro %}

{#- The card both platforms show: dominant gender with the gender split, dominant age
    and dominant country, each with its share. -#}
{% macro audience_card_columns() -%}
    upper({{ audience_top_key('gender') }}) as top_audience_gender,
    {{ audience_top_share('gender') }} as top_audience_gender_share,
    {{ audience_key_share('gender', 'FEMALE') }} as audience_female_share,
    {{ audience_key_share('gender', 'MALE') }} as audience_male_share,
    {{ audience_top_key('age') }} as top_audience_age,
    {{ audience_top_share('age') }} as top_audience_age_share,
    {{ audience_top_key('country') }} as top_audience_country,
    {{ audience_top_share('country') }} as top_audience_country_share
{%- endmacro %}
