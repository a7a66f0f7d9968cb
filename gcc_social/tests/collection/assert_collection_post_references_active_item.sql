{#- Every post on a collection's grid comes from an active item of that collection
    (item not deleted, collection not deleted). Fails with orphan posts. -#}
select
    p.collection_id,
    p.post_short_code,
    p.item_id
from {{ ref('mart_collection_post') }} as p
where (p.item_id, p.collection_id, p.post_short_code) not in (
    select
        item_id,
        collection_id,
        short_code
    from {{ ref('mart_staging_collection_post_items') }}
)
