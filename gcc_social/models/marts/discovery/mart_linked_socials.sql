{{ config(
    materialized='table',
    tags=['core'],
    order_by='handle',
    query_settings={'join_use_nulls': 1},
) }}

-- Instagram handle <-> YouTube channel links with both sides' audience size, so a
-- profile page can show the creator's combined reach.
with links AS (
    select handle, profile_id, channel_id, category, source, updated_at
    from {{ ref('stg_beat_profile_link') }}
    where handle != ''
),

instagram AS (
    select profile_id, followers, category
    from {{ ref('stg_beat_instagram_account') }}
),

youtube AS (
    select channel_id, title, subscribers, category
    from {{ ref('stg_beat_youtube_channel') }}
)

select
    l.handle AS handle,
    l.profile_id AS profile_id,
    nullIf(l.channel_id, '') AS channel_id,
    coalesce(nullIf(l.category, ''), ig.category, yt.category) AS category,
    l.source AS link_source,
    toInt64(ifNull(ig.followers, 0)) AS ig_followers,
    yt.title AS yt_title,
    if(nullIf(l.channel_id, '') IS NULL, NULL, toInt64(ifNull(yt.subscribers, 0))) AS yt_subscribers,
    toInt64(ifNull(ig.followers, 0) + ifNull(yt.subscribers, 0)) AS combined_reach,
    toUInt8(nullIf(l.channel_id, '') IS NOT NULL AND yt.channel_id IS NOT NULL) AS is_linked,
    l.updated_at AS updated_at
from links l
left join instagram ig on ig.profile_id = l.profile_id
left join youtube yt on yt.channel_id = l.channel_id
