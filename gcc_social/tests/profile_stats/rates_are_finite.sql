{#- Rates and averages are NULL or finite numbers: a division by zero must never reach the
    grades as inf or nan. -#}
{%- set checks = [
    ('mart_instagram_account_summary', 'profile_id', ['avg_likes', 'avg_comments', 'avg_views', 'avg_plays', 'engagement_rate']),
    ('mart_instagram_engagement_stats', 'profile_id', ['comments_rate', 'likes_to_comment_ratio', 'likes_spread', 'avg_posts_per_week']),
    ('mart_instagram_reach_stats', 'profile_id', ['reels_reach', 'image_reach', 'story_reach', 'reels_impressions', 'image_impressions']),
    ('mart_instagram_recent_post_stats', 'shortcode', ['er']),
    ('mart_youtube_account_summary', 'channel_id', ['avg_views', 'engagement_rate', 'views_to_subscribers', 'shorts_share']),
    ('mart_youtube_recent_video_stats', 'video_id', ['er']),
] %}
{%- for model, key, columns in checks %}
select '{{ model }}' as model, toString({{ key }}) as id
from {{ ref(model) }}
where {% for c in columns %}not isFinite(ifNull(toFloat64({{ c }}), 0)){{ ' or ' if not loop.last }}{% endfor %}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
