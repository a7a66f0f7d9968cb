{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(category, hashtag)',
    query_settings={'join_use_nulls': 1},
) }}

-- Hashtags a genre's creators used in the last 90 days: how many posts and creators,
-- engagement of those posts, and the tag's size on Instagram; top 100 per genre.
{%- set top_n = var('genre_top_hashtags', 100) %}
with creators AS (
    select profile_id, assumeNotNull(category) AS category
    from {{ ref('mart_instagram_account') }} AS a
    -- qualified: the bare name would resolve to the assumeNotNull alias, never NULL
    where a.category IS NOT NULL
),

tagged_posts AS (
    select p.profile_id AS profile_id, c.category AS category, p.likes AS likes,
           p.comments AS comments, p.engagement_rate AS engagement_rate, hashtag
    from {{ ref('mart_instagram_post') }} p
    inner join creators c on c.profile_id = p.profile_id
    array join p.hashtags AS hashtag
    where p.publish_time >= now() - INTERVAL 90 DAY AND hashtag != ''
),

stats AS (
    select
        category,
        hashtag,
        toUInt64(count()) AS posts,
        toUInt64(uniqExact(profile_id)) AS creators,
        round(avg(likes), 2) AS avg_likes,
        round(avg(comments), 2) AS avg_comments,
        round(avgIf(engagement_rate, {{ discovery_is_gradable('engagement_rate') }}), 4) AS avg_engagement_rate
    from tagged_posts
    group by category, hashtag
),

ranked AS (
    select *, row_number() over (partition by category order by creators desc, posts desc, hashtag) AS hashtag_rank
    from stats
)

select
    r.category AS category,
    r.hashtag AS hashtag,
    r.posts AS posts,
    r.creators AS creators,
    r.avg_likes AS avg_likes,
    r.avg_comments AS avg_comments,
    r.avg_engagement_rate AS avg_engagement_rate,
    h.posts_count AS instagram_posts_count,
    toUInt64(r.hashtag_rank) AS hashtag_rank
from ranked r
left join {{ ref('stg_beat_instagram_hashtag') }} h on h.hashtag = r.hashtag
where r.hashtag_rank <= {{ top_n }}
