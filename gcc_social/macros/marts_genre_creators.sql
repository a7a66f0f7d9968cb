{#- Every categorised creator of both platforms in one shape, for the genre marts. -#}
{% macro genre_creators() -%}
    select
        'INSTAGRAM' AS platform,
        assumeNotNull(category) AS category,
        language,
        country,
        profile_id AS platform_id,
        handle,
        name,
        followers,
        engagement_rate,
        followers_growth30d AS growth30d,
        followers_30d_ago AS followers_30d_ago,
        is_verified
    from {{ ref('mart_instagram_account') }} AS a
    -- qualified: the bare name would resolve to the assumeNotNull alias above, never NULL
    where a.category IS NOT NULL
    union all
    select
        'YOUTUBE' AS platform,
        assumeNotNull(category) AS category,
        language,
        country,
        channel_id AS platform_id,
        handle,
        title AS name,
        subscribers AS followers,
        engagement_rate,
        subscribers_growth30d AS growth30d,
        subscribers_30d_ago AS followers_30d_ago,
        toUInt8(0) AS is_verified
    from {{ ref('mart_youtube_account') }} AS y
    where y.category IS NOT NULL
{%- endmacro %}

{#- Aggregates a genre card shows for any slice of creators. Rates skip creators whose ER
    is unknown instead of averaging their missing values as 0. -#}
{% macro genre_creator_stats() -%}
        toUInt64(count()) AS creators,
        toInt64(sum(followers)) AS total_followers,
        round(avg(followers), 2) AS avg_followers,
        toFloat64(quantileExact(0.5)(followers)) AS median_followers,
        round(avgIf(engagement_rate, {{ discovery_is_gradable('engagement_rate') }}), 4) AS avg_engagement_rate,
        if(countIf({{ discovery_is_gradable('engagement_rate') }}) = 0, NULL,
           round(quantileExactIf(0.5)(toFloat64(engagement_rate), {{ discovery_is_gradable('engagement_rate') }}), 4)) AS median_engagement_rate,
        toInt64(sum(ifNull(growth30d, 0))) AS followers_growth30d,
        round({{ discovery_safe_div('sumIf(growth30d, followers_30d_ago > 0)', 'sumIf(followers_30d_ago, followers_30d_ago > 0 AND growth30d IS NOT NULL)') }} * 100, 4) AS growth30d_pct,
        round(avg(is_verified), 4) AS verified_share,
        argMax(platform_id, (followers, platform_id)) AS top_creator_id,
        argMax(handle, (followers, platform_id)) AS top_creator_handle
{%- endmacro %}
