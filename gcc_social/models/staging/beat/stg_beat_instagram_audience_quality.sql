{{ config(materialized='table', order_by='profile_id', tags=['core']) }}

{#- Latest known score per profile (argMax skips a sampling run that returned NULL). -#}

with samples as (
    select
        profile_id,
        argMax(audience_reachability, updated_at) as audience_reachability__latest,
        argMax(audience_authenticity, updated_at) as audience_authenticity__latest,
        argMax(notable_followers, updated_at) as notable_followers__latest,
        max(updated_at) as updated_at__latest
    from {{ source('beat', 'instagram_audience_quality') }}
    group by profile_id
)

select
    profile_id,
    audience_reachability__latest as audience_reachability,
    audience_authenticity__latest as audience_authenticity,
    ifNull(notable_followers__latest, 0) as notable_followers,
    updated_at__latest as updated_at
from samples
