{#- Follower buckets the product's filters and peer grading use (upper bounds exclusive). -#}
{% macro discovery_follower_group(followers) -%}
    multiIf(
        {{ followers }} IS NULL, NULL,
        {{ followers }} < 5000, '0-5k',
        {{ followers }} < 10000, '5k-10k',
        {{ followers }} < 50000, '10k-50k',
        {{ followers }} < 100000, '50k-100k',
        {{ followers }} < 500000, '100k-500k',
        {{ followers }} < 1000000, '500k-1M',
        '1M+'
    )
{%- endmacro %}

{% macro discovery_follower_groups() -%}
    {{ return(['0-5k', '5k-10k', '10k-50k', '50k-100k', '100k-500k', '500k-1M', '1M+']) }}
{%- endmacro %}
