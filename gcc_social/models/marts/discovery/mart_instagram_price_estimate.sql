{{ config(
    materialized='table',
    tags=['daily'],
    order_by='profile_id',
) }}

-- What a brand should expect to pay per reel / image / story: expected reach per format
-- (account insights when the creator connected them, otherwise estimated from
-- followers and ER) x a CPM per format, scaled by how the creator's ER compares with
-- their peer group (0.5x .. 2x). Prices in INR, rounded to 100, with a +-20% band.
{%- set cpm = {'reel': var('price_cpm_reel_inr', 300), 'image': var('price_cpm_image_inr', 200), 'story': var('price_cpm_story_inr', 120)} %}
with inputs as (
    select
        profile_id,
        handle,
        follower_group,
        category,
        followers,
        engagement_rate,
        group_avg_engagement_rate,
        toFloat64(followers) as f,
        -- reel reach: insights, else average plays, else 30% of followers
        coalesce(nullIf(reels_reach, 0), nullIf(avg_plays, 0), f * 0.3) as expected_reel_reach,
        coalesce(nullIf(image_reach, 0), f * 0.15) as expected_image_reach,
        -- the story-reach estimate (macros/marts_collection_story_reach.sql, current branch);
        -- a profile without a usable ER is estimated at its follower group's average ER
        coalesce(
            nullIf(story_reach, 0),
            {{ marts_collection_story_reach('f', 'coalesce(nullIf(engagement_rate, 0), group_avg_engagement_rate)', 'now()') }},
            0
        ) as expected_story_reach,
        if(reels_reach > 0 or image_reach > 0 or story_reach > 0, 'INSIGHTS', 'ESTIMATED') as reach_source,
        least(greatest(ifNull({{ discovery_safe_div('engagement_rate', 'group_avg_engagement_rate') }}, 1), 0.5), 2) as quality_multiplier
    from {{ ref('mart_instagram_account') }}
    where followers > 0
)

select
    profile_id,
    handle,
    follower_group,
    category,
    followers,
    engagement_rate,
    reach_source,
    toInt64(round(expected_reel_reach)) as expected_reel_reach,
    toInt64(round(expected_image_reach)) as expected_image_reach,
    toInt64(round(expected_story_reach)) as expected_story_reach,
    round(quality_multiplier, 4) as quality_multiplier,
    {%- for fmt in ['reel', 'image', 'story'] %}
    toFloat64(round(expected_{{ fmt }}_reach / 1000 * {{ cpm[fmt] }} * quality_multiplier, -2)) as {{ fmt }}_price,
    toFloat64(round(expected_{{ fmt }}_reach / 1000 * {{ cpm[fmt] }} * quality_multiplier * 0.8, -2)) as {{ fmt }}_price_low,
    toFloat64(round(expected_{{ fmt }}_reach / 1000 * {{ cpm[fmt] }} * quality_multiplier * 1.2, -2)) as {{ fmt }}_price_high,
    {%- endfor %}
    'INR' as currency
from inputs
