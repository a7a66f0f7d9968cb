{#- The 19 metrics an Instagram profile is graded on against its peer group. -#}
{% macro discovery_instagram_metrics() -%}
    {{ return([
        "avg_likes", "avg_comments", "comments_rate", "followers",
        "engagement_rate", "reels_reach", "image_reach", "story_reach",
        "reels_impressions", "image_impressions", "likes_to_comment_ratio",
        "followers_growth7d", "followers_growth30d", "followers_growth90d",
        "audience_reachability", "audience_authencity", "post_count",
        "likes_spread", "avg_posts_per_week"
    ]) }}
{%- endmacro %}

{#- Smallest peer group that gets its own percentiles; thinner categories are graded
    against every profile of the same follower bucket ('<bucket>|ALL'). -#}
{% macro discovery_min_group_size() -%}
    {{ return(var('discovery_min_group_size', 5)) }}
{%- endmacro %}

{#- CTEs (ending in `profile_metrics`) computing one row per handle with the profile
    fields, the 19 metrics, follower_group and group_key. Both mart_instagram_account and
    mart_primary_group_metrics start from here, so the percentiles a profile is graded
    against are computed over exactly the values the profile itself shows. -#}
{#- batched=true (mart_instagram_account): the per-profile joins take one profile_id range
    per batch (range slots, all planned from stg_beat_instagram_account so every source
    gets the same cuts); profile_keys (group sizes, and the ranks built on it) always see
    every profile. The group metrics aggregate across profiles and stay unbatched. -#}
{% macro discovery_instagram_profile_ctes(batched=false) -%}
{%- set slot = ('where ' ~ batch_slot('range', 'profile_id', ref('stg_beat_instagram_account'))) if batched else '' %}
latest_profile_per_handle AS (
    -- a handle can move between profile ids (renames, re-registrations): the latest scrape owns it
    select handle, argMax(profile_id, (updated_at, profile_id)) AS profile_id
    from {{ ref('stg_beat_instagram_account') }}
    where handle != ''
    group by handle
),

profiles AS (
    select *
    from {{ ref('stg_beat_instagram_account') }}
    where (handle, profile_id) in (select handle, profile_id from latest_profile_per_handle)
),

batch_profiles AS (
    select * from profiles {{ slot }}
),

overtime_growth AS (
    select * from (
        {{ discovery_weekly_growth(ref('mart_insta_account_weekly'), 'profile_id', 'followers', 'profile_id', 'followers') }}
    ) {{ slot }}
),

post_stats AS (
    select
        profile_id,
        toFloat64(avg_likes) AS avg_likes,
        toFloat64(avg_comments) AS avg_comments,
        toFloat64(avg_views) AS avg_views,
        toFloat64(avg_plays) AS avg_plays,
        toFloat64(engagement_rate) AS engagement_rate,
        toInt64(post_count) AS post_count
    from {{ ref('mart_instagram_account_summary') }}
    {{ slot }}
),

engagement_stats AS (
    select
        profile_id,
        toFloat64(comments_rate) AS comments_rate,
        toFloat64(likes_to_comment_ratio) AS likes_to_comment_ratio,
        toFloat64(likes_spread) AS likes_spread,
        toFloat64(avg_posts_per_week) AS avg_posts_per_week
    from {{ ref('mart_instagram_engagement_stats') }}
    {{ slot }}
),

reach_stats AS (
    select
        profile_id,
        toFloat64(reels_reach) AS reels_reach,
        toFloat64(image_reach) AS image_reach,
        toFloat64(story_reach) AS story_reach,
        toFloat64(reels_impressions) AS reels_impressions,
        toFloat64(image_impressions) AS image_impressions
    from {{ ref('mart_instagram_reach_stats') }}
    {{ slot }}
),

audience AS (
    select * from (
        select platform_id AS profile_id, audience_reachability, audience_authencity, top_audience_gender,
               top_audience_age, top_audience_country, audience_female_share
        from {{ ref('mart_audience_info') }}
    ) {{ slot }}
),

metrics_by_profile AS (
    select
        p.profile_id AS profile_id,
        p.handle AS handle,
        p.full_name AS full_name,
        p.biography AS biography,
        p.category AS category,
        p.country AS country,
        p.city AS city,
        p.language AS language,
        p.gender AS gender,
        p.account_type AS account_type,
        toInt64(ifNull(p.followers, 0)) AS followers,
        toInt64(ifNull(p.following, 0)) AS following,
        toInt64(ifNull(p.media_count, 0)) AS media_count,
        p.is_verified AS is_verified,
        p.is_private AS is_private,
        p.profile_pic_url AS profile_pic_url,
        p.external_url AS external_url,
        p.updated_at AS updated_at,
        ps.avg_likes AS avg_likes,
        ps.avg_comments AS avg_comments,
        ps.avg_views AS avg_views,
        ps.avg_plays AS avg_plays,
        ps.engagement_rate AS engagement_rate,
        ps.post_count AS post_count,
        es.comments_rate AS comments_rate,
        es.likes_to_comment_ratio AS likes_to_comment_ratio,
        es.likes_spread AS likes_spread,
        es.avg_posts_per_week AS avg_posts_per_week,
        rs.reels_reach AS reels_reach,
        rs.image_reach AS image_reach,
        rs.story_reach AS story_reach,
        rs.reels_impressions AS reels_impressions,
        rs.image_impressions AS image_impressions,
        og.last_week AS growth_last_week,
        og.followers_current_week AS followers_current_week,
        og.followers_7d_ago AS followers_7d_ago,
        og.followers_30d_ago AS followers_30d_ago,
        og.followers_90d_ago AS followers_90d_ago,
        og.followers_1y_ago AS followers_1y_ago,
        og.followers_growth7d AS followers_growth7d,
        og.followers_growth30d AS followers_growth30d,
        og.followers_growth90d AS followers_growth90d,
        og.followers_growth1y AS followers_growth1y,
        au.audience_reachability AS audience_reachability,
        au.audience_authencity AS audience_authencity,
        au.top_audience_gender AS top_audience_gender,
        au.top_audience_age AS top_audience_age,
        au.top_audience_country AS top_audience_country,
        au.audience_female_share AS audience_female_share
    from batch_profiles p
    left join post_stats ps on ps.profile_id = p.profile_id
    left join engagement_stats es on es.profile_id = p.profile_id
    left join reach_stats rs on rs.profile_id = p.profile_id
    left join overtime_growth og on og.profile_id = p.profile_id
    left join audience au on au.profile_id = p.profile_id
),

profile_keys AS (
    -- The windows run over these few narrow columns, joined back by profile_id: a window
    -- keeps its whole partition in memory, and over the wide profile rows at 1M creators
    -- that alone went over the 3 GB query cap.
    select
        *,
        count() over (partition by follower_group, _category) AS _category_group_size,
        concat(
            follower_group, '|',
            if(_category IS NOT NULL AND _category_group_size >= {{ discovery_min_group_size() }}, assumeNotNull(_category), 'ALL')
        ) AS group_key
    from (
        select
            p.profile_id AS profile_id,
            p.country AS country,
            toInt64(ifNull(p.followers, 0)) AS followers,
            -- followers is never NULL here, so neither is the bucket (it is part of the sorting key)
            assumeNotNull({{ discovery_follower_group('followers') }}) AS follower_group,
            nullIf(trimBoth(ifNull(p.category, '')), '') AS _category
        from profiles p
    )
),

profile_metrics AS (
    select
        m.*,
        k.follower_group AS follower_group,
        k._category AS _category,
        k._category_group_size AS _category_group_size,
        k.group_key AS group_key
    from metrics_by_profile m
    inner join profile_keys k on k.profile_id = m.profile_id
)
{%- endmacro %}
