{#- Words that make a caption unsafe for most brands, matched as whole tokens (so 'bet'
    does not flag 'better'). Extend per market via the var. -#}
{% macro discovery_brand_safety_terms() -%}
    {{ return(var('brand_safety_terms', [
        'casino', 'betting', 'gambling', 'poker', 'rummy', 'satta', 'jackpot', 'sportsbook',
        'whisky', 'whiskey', 'vodka', 'tequila', 'liquor', 'beer', 'alcohol',
        'cigarette', 'cigarettes', 'vape', 'vaping', 'hookah', 'tobacco',
        'weed', 'cannabis', 'marijuana', 'cocaine', 'drugs',
        'nsfw', 'onlyfans', 'porn', 'xxx', 'nude', 'nudes',
        'gun', 'guns', 'weapon', 'weapons', 'violence', 'kill'
    ])) }}
{%- endmacro %}
