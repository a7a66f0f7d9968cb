{#-
    Estimated story reach from the creator's followers and engagement rate (%), the original
    formula. Items added to a collection before the cut-over (2023-11-22) keep the first model,
    log2(er); later ones use log2(er + 2), which stays positive for small ERs.

    Guards (the original let log2 produce -inf/NaN into results): the estimate is NULL when
    followers or ER are NULL, not positive or not finite, and it never goes below 0 (with
    er = 1 the first model is just the negative intercept).
-#}
{% macro marts_collection_story_reach_cutover() -%}
'2023-11-22 00:00:00'
{%- endmacro %}

{% macro marts_collection_story_reach(follower, er, item_created_at) -%}
{#- The formula reads `safe_er` (1 when the ER is unusable): ClickHouse may evaluate both
    branches of if() for every row, and log2 of 0, a negative or inf must not reach the
    Int64 cast even for rows the guard turns into NULL. -#}
{%- set usable = follower ~ ' > 0 AND ' ~ er ~ ' > 0 AND isFinite(' ~ er ~ ')' -%}
{%- set safe_er = 'if(' ~ usable ~ ', ' ~ er ~ ', 1.0)' -%}
{%- set safe_follower = 'if(' ~ usable ~ ', ' ~ follower ~ ', 0)' -%}
CAST(
    if(
        {{ usable }},
        greatest(0, if(
            {{ item_created_at }} < toDateTime({{ marts_collection_story_reach_cutover() }}),
            round((-0.000025017) * {{ safe_follower }} + (1.11 * ({{ safe_follower }} * abs(log2({{ safe_er }})) * 2 / 100))),
            round((-0.000025017) * {{ safe_follower }} + (1.11 * ({{ safe_follower }} * abs(log2(({{ safe_er }} + 2))) * 2 / 100)))
        )),
        NULL
    ),
    'Nullable(Int64)'
)
{%- endmacro %}
