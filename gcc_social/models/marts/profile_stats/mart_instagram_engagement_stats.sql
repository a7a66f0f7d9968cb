{{ config(materialized='table', tags=['post_ranker'], order_by='profile_id') }}

{#- Engagement shape of a profile over its recent feed posts (stories excluded): how
    consistent likes are, how much people comment, how often the creator posts. -#}
with feed as (
    select *
    from {{ ref('mart_instagram_recent_post_stats') }}
    where post_class != 'story'
),

per_profile as (
    select
        profile_id,
        any(followers) as followers,
        toInt64(count()) as recent_post_count,
        sum(likes) as total_likes,
        sum(comments) as total_comments,
        avg(toFloat64(likes)) as mean_likes,
        avg(toFloat64(comments)) as mean_comments,
        stddevPop(toFloat64(likes)) as stddev_likes,
        -- 12 full weeks; recent posts cover the last 90 days completely
        countIf(publish_time >= now() - interval 84 day) as posts_last_12_weeks,
        max(publish_time) as last_post_time
    from feed
    group by profile_id
)

select
    profile_id,
    followers,
    recent_post_count,
    CAST({{ engagement_rate('mean_comments', 'followers') }}, 'Nullable(Float64)') as comments_rate,
    CAST(if(total_comments > 0, round(total_likes / total_comments, 4), NULL), 'Nullable(Float64)')
        as likes_to_comment_ratio,
    -- coefficient of variation: 0 = every post gets the same likes; needs two posts
    CAST(if(recent_post_count >= 2 and mean_likes > 0, round(stddev_likes / mean_likes, 4), NULL),
         'Nullable(Float64)') as likes_spread,
    toFloat64(round(posts_last_12_weeks / 12, 4)) as avg_posts_per_week,
    CAST({{ engagement_rate('mean_likes + mean_comments', 'followers') }}, 'Nullable(Float64)')
        as recent_engagement_rate,
    last_post_time
from per_profile
