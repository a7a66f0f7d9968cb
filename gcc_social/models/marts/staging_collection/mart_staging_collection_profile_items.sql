{{ config(materialized='table', tags=['staging_collections'], order_by='item_id') }}

{#- Creators brands shortlisted in live collections (deleted collections drop out with
    the inner join), with the collection's brand and campaign. -#}

select
    toUInt64(item.id) as item_id,
    toUInt64(item.collection_id) as collection_id,
    coll.name as collection_name,
    toUInt64(coll.brand_id) as brand_id,
    coll.campaign_id as campaign_id,
    item.platform as platform,
    item.platform_id as platform_id,
    item.created_at as created_at,
    item.updated_at as updated_at
from {{ ref('stg_coffee_profile_collection_item') }} as item
inner join {{ ref('stg_coffee_collection') }} as coll on item.collection_id = coll.id
where item.platform_id != ''
