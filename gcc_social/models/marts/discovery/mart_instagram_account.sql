{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='profile_id',
    query_settings={'join_use_nulls': 1},
) }}
{%- set metrics = discovery_instagram_metrics() %}

-- The master Instagram profile behind discovery search and the profile page: latest
-- profile per handle, post/reach/audience stats, growth windows, ranks and 19 peer grades.
with
{{ discovery_instagram_profile_ctes() }},

links AS (
    select handle, channel_id, yt_subscribers
    from {{ ref('mart_linked_socials') }}
    where channel_id IS NOT NULL
),

ranked AS (
    select
        pm.*,
        rank() over (partition by pm.country order by pm.followers desc) AS country_rank,
        rank() over (partition by pm.country, pm._category order by pm.followers desc) AS category_rank,
        rank() over (order by pm.followers desc) AS followers_rank
    from profile_metrics pm
),

final_without_group_metrics AS (
    select
        r.profile_id AS profile_id,
        r.profile_id AS ig_id,
        r.handle AS handle,
        r.full_name AS name,
        r.biography AS biography,
        r._category AS category,
        r.country AS country,
        if(r.city IS NULL, NULL, trimBoth(splitByChar(',', assumeNotNull(r.city))[1])) AS city,
        r.language AS language,
        r.gender AS gender,
        r.account_type AS account_type,
        r.is_verified AS is_verified,
        r.is_private AS is_private,
        r.profile_pic_url AS profile_pic_url,
        r.external_url AS external_url,
        r.followers AS followers,
        r.following AS following,
        r.media_count AS media_count,
        assumeNotNull(r.follower_group) AS follower_group,
        r.group_key AS group_key,
        r.avg_likes AS avg_likes,
        r.avg_comments AS avg_comments,
        r.avg_views AS avg_views,
        r.avg_plays AS avg_plays,
        r.engagement_rate AS engagement_rate,
        r.post_count AS post_count,
        r.comments_rate AS comments_rate,
        r.likes_to_comment_ratio AS likes_to_comment_ratio,
        r.likes_spread AS likes_spread,
        r.avg_posts_per_week AS avg_posts_per_week,
        r.reels_reach AS reels_reach,
        r.image_reach AS image_reach,
        r.story_reach AS story_reach,
        r.reels_impressions AS reels_impressions,
        r.image_impressions AS image_impressions,
        r.growth_last_week AS growth_last_week,
        r.followers_current_week AS followers_current_week,
        r.followers_7d_ago AS followers_7d_ago,
        r.followers_30d_ago AS followers_30d_ago,
        r.followers_90d_ago AS followers_90d_ago,
        r.followers_1y_ago AS followers_1y_ago,
        r.followers_growth7d AS followers_growth7d,
        r.followers_growth30d AS followers_growth30d,
        r.followers_growth90d AS followers_growth90d,
        r.followers_growth1y AS followers_growth1y,
        r.audience_reachability AS audience_reachability,
        r.audience_authencity AS audience_authencity,
        r.top_audience_gender AS top_audience_gender,
        r.top_audience_age AS top_audience_age,
        r.top_audience_country AS top_audience_country,
        r.audience_female_share AS audience_female_share,
        l.channel_id AS linked_channel_id,
        l.yt_subscribers AS linked_yt_subscribers,
        toUInt64(r.country_rank) AS country_rank,
        toUInt64(r.category_rank) AS category_rank,
        toUInt64(r.followers_rank) AS followers_rank,
        r.updated_at AS updated_at
    from ranked r
    left join links l on l.handle = r.handle
),

final AS (
    select
        f.*,
        {%- for metric in metrics %}
        {{ discovery_grade('f.' ~ metric, 'gm', metric) }} AS {{ metric }}_grade,
        gm.group_avg_{{ metric }} AS group_avg_{{ metric }},
        {%- endfor %}
        gm.profiles AS group_profiles
    from final_without_group_metrics f
    left join {{ ref('mart_primary_group_metrics') }} gm on gm.group_key = f.group_key
)

select * from final
