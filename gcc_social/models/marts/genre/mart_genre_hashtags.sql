{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(category, hashtag)',
    query_settings={'join_use_nulls': 1},
) }}

-- Hashtags a genre's creators used in the last 90 days: how many posts and creators,
-- engagement of those posts, and the tag's size on Instagram; top 100 per genre.
{%- set top_n = var('genre_top_hashtags', 100) %}
with creators as (
    select profile_id, assumeNotNull(category) as category
    from {{ ref('mart_instagram_account') }} as a
    -- qualified: the bare name would resolve to the assumeNotNull alias, never NULL
    where a.category is not NULL
),

tagged_posts as (
    select p.profile_id as profile_id, c.category as category, p.likes as likes,
           p.comments as comments, p.engagement_rate as engagement_rate, hashtag
    from {{ ref('mart_instagram_post') }} p final
    inner join creators c on c.profile_id = p.profile_id
    array join p.hashtags as hashtag
    where p.publish_time >= now() - interval 90 day and hashtag != ''
),

stats as (
    select
        category,
        hashtag,
        toUInt64(count()) as posts,
        toUInt64(uniqExact(profile_id)) as creators,
        round(avg(likes), 2) as avg_likes,
        round(avg(comments), 2) as avg_comments,
        round(avgIf(engagement_rate, {{ discovery_is_gradable('engagement_rate') }}), 4) as avg_engagement_rate
    from tagged_posts
    group by category, hashtag
),

ranked as (
    select *, row_number() over (partition by category order by creators desc, posts desc, hashtag) as hashtag_rank
    from stats
)

select
    r.category as category,
    r.hashtag as hashtag,
    r.posts as posts,
    r.creators as creators,
    r.avg_likes as avg_likes,
    r.avg_comments as avg_comments,
    r.avg_engagement_rate as avg_engagement_rate,
    h.posts_count as instagram_posts_count,
    toUInt64(r.hashtag_rank) as hashtag_rank
from ranked r
left join {{ ref('stg_beat_instagram_hashtag') }} h on h.hashtag = r.hashtag
where r.hashtag_rank <= {{ top_n }}
