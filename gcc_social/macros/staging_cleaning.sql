{#- Clean-up expressions shared by the staging models. Regexes use character classes
    rather than backslash escapes so they read the same in Jinja, SQL and RE2. -#}

{#- Strips the given marker characters and whitespace in front, whitespace behind.
    trim() with a character set instead of a regex: staging runs this on every tag of
    every post scrape (tens of millions of strings), and RE2 was a third of its cost.
    Whitespace is what [[:space:]] matches: space, \t \n \v \f \r. -#}
{% macro strip_marker(col, marker) -%}
trim(TRAILING ' \t\n\v\f\r' FROM trim(LEADING ' \t\n\v\f\r{{ marker }}' FROM {{ col }}))
{%- endmacro %}

{#- '@Some.Handle ' -> 'some.handle' -#}
{% macro clean_handle(col) -%}
lower({{ strip_marker(col, '@') }})
{%- endmacro %}

{#- ' #SummerVibes' -> 'summervibes' -#}
{% macro clean_hashtag(col) -%}
lower({{ strip_marker(col, '#') }})
{%- endmacro %}

{#- Array version: cleans every tag and drops the ones that end up empty. -#}
{% macro clean_hashtags(col) -%}
arrayFilter(h -> h != '', arrayMap(h -> {{ clean_hashtag('h') }}, {{ col }}))
{%- endmacro %}

{#- Query parameters that only identify the click, never the page. -#}
{% macro tracking_param_regex() -%}
'^(utm_[a-z_]+|igshid|igsh|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|si|_ga|ref_src|feature)(=|$)'
{%- endmacro %}

{#- Keeps scheme/host/path and the meaningful parameters, drops tracking ones and the
    fragment; '' becomes NULL. -#}
{% macro clean_url(col) -%}
nullIf(concat(
    cutQueryStringAndFragment(trimBoth({{ col }})),
    if(empty(arrayFilter(p -> p != '' and not match(p, {{ tracking_param_regex() }}), splitByChar('&', queryString(trimBoth({{ col }}))))),
       '',
       concat('?', arrayStringConcat(arrayFilter(p -> p != '' and not match(p, {{ tracking_param_regex() }}), splitByChar('&', queryString(trimBoth({{ col }})))), '&')))
), '')
{%- endmacro %}

{#- A post id as users paste it -> the bare id:
    'https://www.instagram.com/p/CODE/?igshid=..' / '.../reel/CODE' / 'user/p/CODE' -> 'CODE'
    'https://youtu.be/ID', '...watch?v=ID', '.../shorts/ID' -> 'ID'
    ' CODE/ ' -> 'CODE'. Numeric junk stays as it is (marts filter it out). -#}
{% macro clean_short_code(col) -%}
multiIf(
    match({{ col }}, '(?i)instagram[.]com/|instagr[.]am/'),
        extract({{ col }}, '(?i)(?:instagram[.]com|instagr[.]am)/(?:[A-Za-z0-9_.]+/)?(?:p|reels?|tv)/([A-Za-z0-9_-]+)'),
    match({{ col }}, '(?i)youtu[.]?be'),
        extract({{ col }}, '(?:[?&]v=|youtu[.]be/|/shorts/|/embed/|/live/)([A-Za-z0-9_-]{11})'),
    replaceRegexpAll(trimBoth({{ col }}), '^/+|[/?#].*$', '')
)
{%- endmacro %}

{#- Engagement as a percentage of a base (followers, views); NULL when the base is
    0 or unknown rather than a division error or inf. -#}
{% macro engagement_rate(engagement, base) -%}
if(ifNull({{ base }}, 0) > 0, round(({{ engagement }}) / {{ base }} * 100, 4), NULL)
{%- endmacro %}
