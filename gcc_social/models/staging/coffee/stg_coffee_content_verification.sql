{{ config(materialized='table', order_by='id', tags=['staging_collections']) }}

{#- Latest version of each row (the app updates rows in place; the replica keeps every version). proof_url is a path under the media store ('proofs/<id>.png'). -#}

with latest as (
    select *
    from {{ source('coffee', 'content_verification') }}
    order by id, updated_at desc
    limit 1 by id
)

select
    id,
    campaign_id,
    upper(platform) as platform,
    trimBoth(platform_id) as platform_id,
    if(short_code is null, null, {{ clean_short_code('assumeNotNull(short_code)') }}) as short_code,
    trimBoth(proof_url) as proof_url,
    upper(status) as status,
    submitted_at,
    updated_at
from latest
