{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version); soft-deleted campaigns are dropped. Hashtags lower-case, without '#'. -#}

with latest as (
    select *
    from {{ source('coffee', 'campaign') }}
    order by id, updated_at desc, deleted desc
    limit 1 by id
)

select
    id,
    brand_id,
    trimBoth(name) as name,
    upper(status) as status,
    start_date,
    end_date,
    budget,
    upper(currency) as currency,
    arrayDistinct({{ clean_hashtags('hashtags') }}) as hashtags,
    created_at,
    updated_at
from latest
where deleted = 0
