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
CAST(
    if(
        {{ follower }} > 0 AND {{ er }} > 0 AND isFinite({{ er }}),
        greatest(0, if(
            {{ item_created_at }} < toDateTime({{ marts_collection_story_reach_cutover() }}),
            round((-0.000025017) * {{ follower }} + (1.11 * ({{ follower }} * abs(log2({{ er }})) * 2 / 100))),
            round((-0.000025017) * {{ follower }} + (1.11 * ({{ follower }} * abs(log2(({{ er }} + 2))) * 2 / 100)))
        )),
        NULL
    ),
    'Nullable(Int64)'
)
{%- endmacro %}
