{{ config(
    materialized='table',
    tags=['core'],
    order_by='shortcode',
    partition_by='toYYYYMM(publish_time)',
) }}

-- Latest state of every Instagram post: each re-scrape updates likes/comments, so the
-- newest non-NULL value of every field wins (argMax skips NULLs, so a scrape that missed
-- a counter does not blank it).
with latest AS (
    select
        shortcode,
        argMax(profile_id, updated_at) AS profile_id,
        argMax(post_type, updated_at) AS post_type,
        argMax(caption, updated_at) AS caption,
        argMax(hashtags, updated_at) AS hashtags,
        argMax(mentions, updated_at) AS mentions,
        argMax(likes, updated_at) AS likes,
        argMax(comments, updated_at) AS comments,
        argMax(views, updated_at) AS views,
        argMax(plays, updated_at) AS plays,
        argMax(reach, updated_at) AS reach,
        argMax(impressions, updated_at) AS impressions,
        argMax(saves, updated_at) AS saves,
        argMax(shares, updated_at) AS shares,
        argMax(profile_follower, updated_at) AS profile_follower,
        argMax(profile_er, updated_at) AS profile_er,
        argMax(thumbnail_url, updated_at) AS thumbnail_url,
        argMax(is_sponsored, updated_at) AS is_sponsored,
        argMax(publish_time, updated_at) AS publish_time,
        min(created_at) AS first_scraped_at,
        max(updated_at) AS last_scraped_at,
        toUInt64(count()) AS scrape_count
    from {{ ref('stg_beat_instagram_post') }}
    group by shortcode
)

select
    shortcode,
    profile_id,
    post_type,
    caption,
    arrayDistinct(arrayMap(x -> lower(x), hashtags)) AS hashtags,
    arrayMap(x -> lower(x), mentions) AS mentions,
    toInt64(ifNull(likes, 0)) AS likes,
    toInt64(ifNull(comments, 0)) AS comments,
    toInt64(views) AS views,
    toInt64(plays) AS plays,
    toInt64(reach) AS reach,
    toInt64(impressions) AS impressions,
    toInt64(saves) AS saves,
    toInt64(shares) AS shares,
    toInt64(ifNull(likes, 0) + ifNull(comments, 0)) AS engagement,
    toInt64(profile_follower) AS profile_follower,
    profile_er,
    -- engagement relative to the audience the post had when it was scraped
    {{ engagement_rate('toFloat64(ifNull(likes, 0) + ifNull(comments, 0))', 'profile_follower') }} AS engagement_rate,
    {{ engagement_rate('toFloat64(coalesce(plays, views, 0))', 'profile_follower') }} AS view_rate,
    thumbnail_url,
    toUInt8(is_sponsored) AS is_sponsored,
    publish_time,
    toDate(publish_time) AS publish_date,
    first_scraped_at,
    last_scraped_at,
    scrape_count
from latest
