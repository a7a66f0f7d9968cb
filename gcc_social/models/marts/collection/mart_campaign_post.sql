{{ config(
    materialized='table',
    tags=['collections'],
    order_by='(campaign_id, shortcode)',
    query_settings={'join_use_nulls': 1}
) }}

{#- Every post that counts for a campaign (from its collections or its hashtags) with
    engagement, reach and what it cost. A contracted creator's fee is spread evenly over
    their campaign posts (post_cost, in the campaign's currency); CPE = post_cost /
    engagement, CPM = post_cost / estimated_reach x 1000. Posts by creators without a
    contract (a brand collected them) have no cost and so no CPE/CPM. Story reach uses the
    original formula, branching on when the post was added (its publish time for
    hashtag-found posts). -#}

with fees as (
    select
        campaign_id,
        platform,
        platform_id,
        argMax(fee, updated_at) as fee
    from {{ ref('stg_coffee_campaign_profile') }}
    where status != 'DROPPED'
    group by campaign_id, platform, platform_id
),

posts as (
    select
        p.*,
        p.likes + p.comments as engagement,
        {{ marts_collection_story_reach('p.profile_follower', 'p.profile_er', 'coalesce(p.added_at, p.publish_time)') }} as story_reach_estimate,
        count() over (partition by p.campaign_id, p.platform, p.platform_id) as creator_posts
    from {{ ref('mart_staging_campaign_posts') }} as p
)

select
    p.campaign_id as campaign_id,
    p.shortcode as shortcode,
    p.platform as platform,
    p.platform_id as platform_id,
    p.brand_id as brand_id,
    c.currency as currency,
    p.matched_via as matched_via,
    p.matched_hashtags as matched_hashtags,
    p.collection_id as collection_id,
    p.post_type as post_type,
    p.publish_time as publish_time,
    p.likes as likes,
    p.comments as comments,
    p.views as views,
    p.plays as plays,
    CAST(p.engagement, 'Nullable(Int64)') as engagement,
    p.reach as reach,
    p.story_reach_estimate as story_reach_estimate,
    CAST(multiIf(
        p.reach > 0, p.reach,
        p.post_type = 'story', p.story_reach_estimate,
        p.plays > 0, p.plays,
        p.views > 0, p.views,
        NULL
    ), 'Nullable(Int64)') as estimated_reach,
    if(
        p.platform = 'YOUTUBE',
        {{ marts_collection_ratio('p.engagement', 'p.views', 100) }},
        {{ marts_collection_ratio('p.engagement', 'p.profile_follower', 100) }}
    ) as er,
    CAST(f.fee, 'Nullable(Float64)') as creator_fee,
    {{ marts_collection_ratio('f.fee', 'p.creator_posts') }} as post_cost,
    {{ marts_collection_ratio('f.fee', 'p.creator_posts * p.engagement') }} as cpe,
    {{ marts_collection_ratio('f.fee', 'p.creator_posts * estimated_reach', 1000) }} as cpm,
    p.last_scraped_at as last_scraped_at,
    toUInt8(p.last_scraped_at is not NULL) as is_scraped
from posts as p
left join fees as f
    on p.campaign_id = f.campaign_id and p.platform = f.platform and p.platform_id = f.platform_id
left join {{ ref('stg_coffee_campaign') }} as c on p.campaign_id = c.id
