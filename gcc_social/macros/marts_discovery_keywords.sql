{#- Search keywords from free-text fields: lower-cased, punctuation (except '#', '_', '.'
    inside handles) turned into spaces, split on whitespace, 1-letter tokens dropped. -#}
{% macro discovery_keywords(fields) -%}
    arrayDistinct(arrayFilter(
        w -> length(w) > 1,
        splitByWhitespace(lower(replaceRegexpAll(
            concat({% for f in fields %}ifNull(toString({{ f }}), ''){{ ", ' ', " if not loop.last }}{% endfor %}),
            '[^[:alnum:]#_.@[:space:]]+', ' '
        )))
    ))
{%- endmacro %}

{#- One lower-cased phrase for LIKE / trigram search. -#}
{% macro discovery_search_phrase(fields) -%}
    lower(trimBoth(replaceRegexpAll(
        concat({% for f in fields %}ifNull(toString({{ f }}), ''){{ ", ' ', " if not loop.last }}{% endfor %}),
        '[[:space:]]+', ' '
    )))
{%- endmacro %}
