{{ config(materialized='table', order_by='(profile_id, date)', tags=['core']) }}

{#- Latest insights row per profile and day. Account-level counters are 0 when a
    connected account had no activity; per-format reach stays NULL when Instagram did
    not report it (no reels that day is not the same as zero reach). -#}

select
    profile_id,
    date,
    ifNull(reach, 0) as reach,
    ifNull(impressions, 0) as impressions,
    ifNull(profile_views, 0) as profile_views,
    ifNull(website_clicks, 0) as website_clicks,
    reels_reach,
    image_reach,
    story_reach,
    reels_impressions,
    image_impressions,
    updated_at
from {{ source('beat', 'instagram_profile_insights') }}
order by profile_id, date, updated_at desc
limit 1 by profile_id, date
