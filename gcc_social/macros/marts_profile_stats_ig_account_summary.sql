{#- Per-profile post statistics from recent posts (a relation or CTE name shaped like
    mart_instagram_recent_post_stats). As in the original, only the 12 newest posts of each
    class count, ranked within profile and class by likes / comments / plays / views;
    stories are left out of the averages (they expire and have no public likes). -#}
{% macro marts_profile_stats_ig_account_summary(recent, batched=false) -%}
with recent_posts_by_class as (
    select
        *,
        rank() over (partition by profile_id, post_class
                     order by likes desc, comments desc, publish_time desc) as likes_rank_by_class,
        rank() over (partition by profile_id, post_class
                     order by comments desc, likes desc, publish_time desc) as comments_rank_by_class,
        rank() over (partition by profile_id, post_class
                     order by plays desc, likes desc, comments desc, publish_time desc) as plays_rank_by_class,
        rank() over (partition by profile_id, post_class
                     order by views desc, likes desc, comments desc, publish_time desc) as views_rank_by_class
    from {{ recent }}
    where post_rank_by_class <= 12
    {%- if batched %} and {{ batch_slot('range', 'profile_id', recent) }}{% endif %}
),

per_profile as (
    select
        profile_id,
        any(followers) as followers,
        any(following) as following,
        toInt64(countIf(post_class != 'story')) as post_count,
        toInt64(countIf(post_class = 'reels')) as reels_count,
        toInt64(countIf(post_class = 'image')) as image_count,
        toInt64(countIf(post_class = 'carousel')) as carousel_count,
        toInt64(countIf(post_class = 'story')) as story_count,
        {{ marts_profile_stats_avg_if('likes', "post_class != 'story'") }} as avg_likes,
        {{ marts_profile_stats_avg_if('comments', "post_class != 'story'") }} as avg_comments,
        {{ marts_profile_stats_avg_if('views', "post_class != 'story'") }} as avg_views,
        {{ marts_profile_stats_avg_if('plays', "post_class = 'reels'") }} as avg_plays,
        {{ marts_profile_stats_avg_if('likes', "post_class = 'reels'") }} as avg_reels_likes,
        {{ marts_profile_stats_avg_if('likes', "post_class in ('image', 'carousel')") }} as avg_static_likes,
        {{ marts_profile_stats_avg_if('reach', "post_class != 'story'") }} as avg_post_reach,
        nullIf(argMinIf(shortcode, (likes_rank_by_class, shortcode), post_class = 'reels'), '') as top_reel_by_likes,
        nullIf(argMinIf(shortcode, (plays_rank_by_class, shortcode), post_class = 'reels' and plays is not null), '') as top_reel_by_plays,
        nullIf(argMinIf(shortcode, (likes_rank_by_class, shortcode), post_class in ('image', 'carousel')), '') as top_static_by_likes,
        countIf(is_sponsored = 1 and post_class != 'story') as sponsored_count,
        max(publish_time) as last_post_time,
        max(last_updated) as last_updated
    from recent_posts_by_class
    group by profile_id
)

select
    profile_id,
    followers,
    following,
    post_count,
    reels_count,
    image_count,
    carousel_count,
    story_count,
    avg_likes,
    avg_comments,
    avg_views,
    avg_plays,
    avg_reels_likes,
    avg_static_likes,
    avg_post_reach,
    CAST({{ engagement_rate('avg_likes + avg_comments', 'followers') }}, 'Nullable(Float64)') as engagement_rate,
    if(post_count = 0, NULL, toFloat64(sponsored_count) / post_count) as sponsored_share,
    top_reel_by_likes,
    top_reel_by_plays,
    top_static_by_likes,
    last_post_time,
    last_updated
from per_profile
{%- endmacro %}
