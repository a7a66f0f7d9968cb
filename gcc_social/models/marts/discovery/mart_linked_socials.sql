{{ config(
    materialized='table',
    tags=['core'],
    order_by='handle',
    query_settings={'join_use_nulls': 1},
) }}

-- Instagram handle <-> YouTube channel links with both sides' audience size, so a
-- profile page can show the creator's combined reach.
with links as (
    select handle, profile_id, channel_id, category, source, updated_at
    from {{ ref('stg_beat_profile_link') }}
    where handle != ''
),

instagram as (
    select profile_id, followers, category
    from {{ ref('stg_beat_instagram_account') }}
),

youtube as (
    select channel_id, title, subscribers, category
    from {{ ref('stg_beat_youtube_channel') }}
)

select
    l.handle as handle,
    l.profile_id as profile_id,
    nullIf(l.channel_id, '') as channel_id,
    coalesce(nullIf(l.category, ''), ig.category, yt.category) as category,
    l.source as link_source,
    toInt64(ifNull(ig.followers, 0)) as ig_followers,
    yt.title as yt_title,
    if(nullIf(l.channel_id, '') is NULL, NULL, toInt64(ifNull(yt.subscribers, 0))) as yt_subscribers,
    toInt64(ifNull(ig.followers, 0) + ifNull(yt.subscribers, 0)) as combined_reach,
    toUInt8(nullIf(l.channel_id, '') is not NULL and yt.channel_id is not NULL) as is_linked,
    l.updated_at as updated_at
from links l
left join instagram ig on ig.profile_id = l.profile_id
left join youtube yt on yt.channel_id = l.channel_id
