{{ config(materialized='table', tags=['post_ranker'], order_by='profile_id') }}

{#- Typical reach / impressions per reel, feed image and story. Best source first:
    account insights (creators who connected, average of the last 30 days), then the
    reach beat read on the profile's own recent posts, then an estimate: reels and image
    reach scale followers by the median reach-per-follower of profiles whose reach is
    known (impressions likewise from reach), story reach uses the original's story
    formula on followers and ER. reach_source says which one the reels figure came from. -#}
{%- set kinds = ['reels_reach', 'image_reach', 'story_reach', 'reels_impressions', 'image_impressions'] %}

with profiles as (
    select profile_id, followers, engagement_rate
    from {{ ref('mart_instagram_account_summary') }}
),

insights as (
    select
        profile_id,
        {%- for k in kinds %}
        {{ marts_profile_stats_avg_if(k) }} as insights_{{ k }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref('stg_beat_instagram_profile_insights') }}
    where date >= today() - 30
    group by profile_id
),

post_reach as (
    select
        profile_id,
        {{ marts_profile_stats_avg_if('reach', "post_class = 'reels'") }} as posts_reels_reach,
        {{ marts_profile_stats_avg_if('reach', "post_class in ('image', 'carousel')") }} as posts_image_reach,
        {{ marts_profile_stats_avg_if('reach', "post_class = 'story'") }} as posts_story_reach,
        {{ marts_profile_stats_avg_if('impressions', "post_class = 'reels'") }} as posts_reels_impressions,
        {{ marts_profile_stats_avg_if('impressions', "post_class in ('image', 'carousel')") }} as posts_image_impressions
    from {{ ref('mart_instagram_recent_post_stats') }}
    group by profile_id
),

known as (
    select
        p.profile_id as profile_id,
        p.followers as followers,
        p.engagement_rate as engagement_rate,
        i.insights_reels_reach is not null as reels_from_insights,
        {%- for k in kinds %}
        coalesce(i.insights_{{ k }}, r.posts_{{ k }}) as known_{{ k }}{{ "," if not loop.last }}
        {%- endfor %}
    from profiles p
    left join insights i on i.profile_id = p.profile_id
    left join post_reach r on r.profile_id = p.profile_id
),

peer_ratios as (
    select
        {%- for kind in ['reels', 'image'] %}
        if(countIf(known_{{ kind }}_reach is not null and followers > 0) = 0, null,
           medianIf(known_{{ kind }}_reach / followers, known_{{ kind }}_reach is not null and followers > 0))
            as {{ kind }}_reach_per_follower,
        if(countIf(known_{{ kind }}_impressions is not null and known_{{ kind }}_reach > 0) = 0, null,
           medianIf(known_{{ kind }}_impressions / known_{{ kind }}_reach,
                    known_{{ kind }}_impressions is not null and known_{{ kind }}_reach > 0))
            as {{ kind }}_impressions_per_reach{{ "," if not loop.last }}
        {%- endfor %}
    from known
),

estimated as (
    select
        k.profile_id as profile_id,
        k.followers as followers,
        k.reels_from_insights as reels_from_insights,
        k.known_reels_reach is not null as reels_reach_known,
        coalesce(k.known_reels_reach, k.followers * pr.reels_reach_per_follower) as reels_reach_value,
        coalesce(k.known_image_reach, k.followers * pr.image_reach_per_follower) as image_reach_value,
        -- the story-reach formula and its guards live in macros/marts_collection_story_reach.sql
        coalesce(
            k.known_story_reach,
            {{ marts_collection_story_reach('k.followers', 'k.engagement_rate', 'now()') }}
        ) as story_reach_value,
        coalesce(k.known_reels_impressions, reels_reach_value * pr.reels_impressions_per_reach) as reels_impressions_value,
        coalesce(k.known_image_impressions, image_reach_value * pr.image_impressions_per_reach) as image_impressions_value
    from known k
    cross join peer_ratios pr
)

select
    profile_id,
    followers,
    {%- for k in kinds %}
    CAST(round({{ k }}_value), 'Nullable(Int64)') as {{ k }},
    {%- endfor %}
    multiIf(reels_from_insights, 'INSIGHTS', reels_reach_known, 'POSTS', reels_reach_value is not null, 'ESTIMATE', null)
        as reach_source
from estimated
