{{ config(
    materialized='table',
    tags=['collections'],
    order_by='(campaign_id, platform, platform_id)',
    query_settings={'join_use_nulls': 1}
) }}

{#- Per campaign and creator: the contract (fee, deliverables, status) against what was
    delivered (posts found for the campaign) and earned (engagement, reach), with the
    creator's CPE and CPM in the campaign's currency, delivery rate, share of the
    campaign's engagement and rank by it. Creators who posted for the campaign without a
    contract row appear with no fee. -#}

with contracts as (
    select
        campaign_id,
        platform,
        platform_id,
        argMax(status, updated_at) as contract_status,
        CAST(argMax(fee, updated_at), 'Nullable(Float64)') as fee,
        toInt64(argMax(deliverables, updated_at)) as deliverables
    from {{ ref('stg_coffee_campaign_profile') }}
    group by campaign_id, platform, platform_id
),

delivered as (
    select
        campaign_id,
        platform,
        assumeNotNull(cp.platform_id) as platform_id,
        toUInt64(count()) as posts,
        toUInt64(countIf(post_type = 'story')) as stories,
        toInt64(COALESCE(sum(likes), 0)) as likes,
        toInt64(COALESCE(sum(comments), 0)) as comments,
        toInt64(COALESCE(sum(views), 0)) as views,
        toInt64(COALESCE(sum(engagement), 0)) as engagement,
        toInt64(COALESCE(sum(estimated_reach), 0)) as estimated_reach,
        min(publish_time) as first_post_at,
        max(publish_time) as last_post_at
    from {{ ref('mart_campaign_post') }} as cp
    where cp.platform_id is not NULL
    group by campaign_id, platform, platform_id
),

creators as (
    select
        campaign_id,
        platform,
        platform_id
    from contracts
    union distinct
    select
        campaign_id,
        platform,
        platform_id
    from delivered
),

joined as (
    select
        toUInt64(k.campaign_id) as campaign_id,
        k.platform as platform,
        k.platform_id as platform_id,
        c.contract_status as contract_status,
        c.fee as fee,
        COALESCE(c.deliverables, 0) as deliverables,
        COALESCE(d.posts, 0) as posts,
        COALESCE(d.stories, 0) as stories,
        COALESCE(d.likes, 0) as likes,
        COALESCE(d.comments, 0) as comments,
        COALESCE(d.views, 0) as views,
        COALESCE(d.engagement, 0) as engagement,
        COALESCE(d.estimated_reach, 0) as estimated_reach,
        d.first_post_at as first_post_at,
        d.last_post_at as last_post_at
    from creators as k
    left join contracts as c
        on k.campaign_id = c.campaign_id and k.platform = c.platform and k.platform_id = c.platform_id
    left join delivered as d
        on k.campaign_id = d.campaign_id and k.platform = d.platform and k.platform_id = d.platform_id
)

select
    j.campaign_id as campaign_id,
    j.platform as platform,
    j.platform_id as platform_id,
    p.handle as handle,
    p.name as name,
    p.followers as followers,
    p.engagement_rate as engagement_rate,
    j.contract_status as contract_status,
    j.fee as fee,
    j.deliverables as deliverables,
    j.posts as posts,
    j.stories as stories,
    {{ marts_collection_ratio('j.posts', 'j.deliverables') }} as delivery_rate,
    j.likes as likes,
    j.comments as comments,
    j.views as views,
    j.engagement as engagement,
    j.estimated_reach as estimated_reach,
    {{ marts_collection_ratio('j.fee', 'j.engagement') }} as cpe,
    {{ marts_collection_ratio('j.fee', 'j.estimated_reach', 1000) }} as cpm,
    {{ marts_collection_ratio('j.engagement', 'sum(j.engagement) over campaign') }} as share_of_engagement,
    toUInt64(rank() over (partition by j.campaign_id order by j.engagement desc)) as engagement_rank,
    j.first_post_at as first_post_at,
    j.last_post_at as last_post_at
from joined as j
left join {{ ref('mart_staging_collection_profile_latest') }} as p
    on j.platform = p.platform and j.platform_id = p.platform_id
window campaign as (partition by j.campaign_id)
