{{ config(materialized='table', tags=['staging_collections'], order_by='item_id') }}

{#- Every post a brand keeps in a live collection, with the collection's brand and campaign
    attached. The inner join drops items of deleted collections: a brand never sees posts
    of a collection it removed. short_code arrives cleaned of URL junk from staging;
    is_refreshable marks the ones the post-refresh scrape flow can ask for (Instagram
    shortcodes; numeric ids are stories or junk the flow rejects). -#}

select
    toUInt64(item.id) as item_id,
    toUInt64(item.collection_id) as collection_id,
    coll.name as collection_name,
    toUInt64(coll.brand_id) as brand_id,
    coll.campaign_id as campaign_id,
    item.platform as platform,
    item.short_code as short_code,
    item.post_type as post_type,
    item.post_url as post_url,
    toUInt8(item.platform = 'INSTAGRAM' and item.is_valid_short_code) as is_refreshable,
    item.created_at as created_at,
    item.updated_at as updated_at
from {{ ref('stg_coffee_post_collection_item') }} as item
inner join {{ ref('stg_coffee_collection') }} as coll on item.collection_id = coll.id
where item.short_code != ''
