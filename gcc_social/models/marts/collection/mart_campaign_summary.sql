{{ config(
    materialized='table',
    tags=['collections'],
    order_by='campaign_id',
    query_settings={'join_use_nulls': 1}
) }}

{#- The campaign dashboard: budget against committed fees, creators contracted and
    delivered, posts, engagement and reach, and the campaign's CPE and CPM (committed fees
    of non-dropped creators / engagement, / reach x 1000) in the campaign's currency, with
    budget and fees also in INR (static FX table, macro marts_orders_fx_rate_to_inr) so
    campaigns in different currencies compare. -#}

with contracts as (
    select
        campaign_id,
        toUInt64(countIf(contract_status != 'DROPPED')) as creators_contracted,
        toUInt64(countIf(contract_status in ('DELIVERED', 'PAID'))) as creators_delivered,
        toUInt64(countIf(contract_status = 'DROPPED')) as creators_dropped,
        toInt64(sumIf(deliverables, contract_status != 'DROPPED')) as deliverables,
        round(sumIf(COALESCE(fee, 0), contract_status != 'DROPPED'), 2) as committed_fees,
        round(sumIf(COALESCE(fee, 0), contract_status = 'PAID'), 2) as paid_fees
    from {{ ref('mart_campaign_creator_performance') }}
    where contract_status is not NULL
    group by campaign_id
),

delivered as (
    select
        campaign_id,
        toUInt64(count()) as posts,
        toUInt64(countIf(is_scraped = 1)) as scraped_posts,
        toUInt64(countIf(post_type = 'story')) as stories,
        toUInt64(uniqExactIf((platform, platform_id), platform_id is not NULL)) as creators_posted,
        toUInt64(countIf(matched_via like '%HASHTAG%')) as hashtag_posts,
        toInt64(COALESCE(sum(likes), 0)) as likes,
        toInt64(COALESCE(sum(comments), 0)) as comments,
        toInt64(COALESCE(sum(views), 0)) as views,
        toInt64(COALESCE(sum(engagement), 0)) as engagement,
        toInt64(COALESCE(sum(estimated_reach), 0)) as estimated_reach,
        min(publish_time) as first_post_at,
        max(publish_time) as last_post_at
    from {{ ref('mart_campaign_post') }}
    group by campaign_id
)

select
    toUInt64(c.id) as campaign_id,
    c.name as campaign_name,
    toUInt64(c.brand_id) as brand_id,
    b.name as brand_name,
    c.status as status,
    c.start_date as start_date,
    c.end_date as end_date,
    c.hashtags as hashtags,
    c.currency as currency,
    CAST(c.budget, 'Nullable(Float64)') as budget,
    COALESCE(k.committed_fees, 0) as committed_fees,
    COALESCE(k.paid_fees, 0) as paid_fees,
    {{ marts_collection_ratio('k.committed_fees', 'c.budget') }} as budget_utilisation,
    CAST(round(c.budget * {{ marts_orders_fx_rate_to_inr('c.currency') }}, 2), 'Nullable(Float64)') as budget_inr,
    CAST(round(COALESCE(k.committed_fees, 0) * {{ marts_orders_fx_rate_to_inr('c.currency') }}, 2), 'Nullable(Float64)') as committed_fees_inr,
    COALESCE(k.creators_contracted, 0) as creators_contracted,
    COALESCE(k.creators_delivered, 0) as creators_delivered,
    COALESCE(k.creators_dropped, 0) as creators_dropped,
    COALESCE(d.creators_posted, 0) as creators_posted,
    COALESCE(k.deliverables, 0) as deliverables,
    COALESCE(d.posts, 0) as posts,
    COALESCE(d.scraped_posts, 0) as scraped_posts,
    COALESCE(d.stories, 0) as stories,
    COALESCE(d.hashtag_posts, 0) as hashtag_posts,
    {{ marts_collection_ratio('d.posts', 'k.deliverables') }} as delivery_rate,
    COALESCE(d.likes, 0) as likes,
    COALESCE(d.comments, 0) as comments,
    COALESCE(d.views, 0) as views,
    COALESCE(d.engagement, 0) as engagement,
    COALESCE(d.estimated_reach, 0) as estimated_reach,
    {{ marts_collection_ratio('k.committed_fees', 'd.engagement') }} as cpe,
    {{ marts_collection_ratio('k.committed_fees', 'd.estimated_reach', 1000) }} as cpm,
    d.first_post_at as first_post_at,
    d.last_post_at as last_post_at,
    c.created_at as created_at
from {{ ref('stg_coffee_campaign') }} as c
left join {{ ref('stg_coffee_brand') }} as b on c.brand_id = b.id
left join contracts as k on c.id = k.campaign_id
left join delivered as d on c.id = d.campaign_id
