{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='profile_id',
    meta={'batch_rows': 200000},
    query_settings={'join_use_nulls': 1, 'join_algorithm': 'full_sorting_merge', 'max_block_size': 8192,
                    'max_bytes_before_external_group_by': 300000000, 'max_bytes_before_external_sort': 300000000},
) }}
{%- set metrics = discovery_instagram_metrics() %}

-- Built in profile_id ranges of 200k profiles (batched profile CTEs), sorting merge joins,
-- early spills, and ranks computed over narrow rows of every profile (profile_keys): at 1M
-- creators the joins and windows over the wide profile rows in one query went over the
-- 3 GB query cap.
-- The master Instagram profile behind discovery search and the profile page: latest
-- profile per handle, post/reach/audience stats, growth windows, ranks and 19 peer grades.
with
{{ discovery_instagram_profile_ctes(batched=true) }},

links as (
    select handle, channel_id, yt_subscribers
    from {{ ref('mart_linked_socials') }}
    where channel_id is not NULL
),

ranks as (
    select
        profile_id,
        rank() over (partition by country order by followers desc) as country_rank,
        rank() over (partition by country, _category order by followers desc) as category_rank,
        rank() over (order by followers desc) as followers_rank
    from profile_keys
),

ranked as (
    select
        pm.*,
        rk.country_rank as country_rank,
        rk.category_rank as category_rank,
        rk.followers_rank as followers_rank
    from profile_metrics pm
    inner join ranks rk on rk.profile_id = pm.profile_id
),

final_without_group_metrics as (
    select
        r.profile_id as profile_id,
        r.profile_id as ig_id,
        r.handle as handle,
        r.full_name as name,
        r.biography as biography,
        r._category as category,
        r.country as country,
        if(r.city is NULL, NULL, trimBoth(splitByChar(',', assumeNotNull(r.city))[1])) as city,
        r.language as language,
        r.gender as gender,
        r.account_type as account_type,
        r.is_verified as is_verified,
        r.is_private as is_private,
        r.profile_pic_url as profile_pic_url,
        r.external_url as external_url,
        r.followers as followers,
        r.following as following,
        r.media_count as media_count,
        assumeNotNull(r.follower_group) as follower_group,
        r.group_key as group_key,
        r.avg_likes as avg_likes,
        r.avg_comments as avg_comments,
        r.avg_views as avg_views,
        r.avg_plays as avg_plays,
        r.engagement_rate as engagement_rate,
        r.post_count as post_count,
        r.comments_rate as comments_rate,
        r.likes_to_comment_ratio as likes_to_comment_ratio,
        r.likes_spread as likes_spread,
        r.avg_posts_per_week as avg_posts_per_week,
        r.reels_reach as reels_reach,
        r.image_reach as image_reach,
        r.story_reach as story_reach,
        r.reels_impressions as reels_impressions,
        r.image_impressions as image_impressions,
        r.growth_last_week as growth_last_week,
        r.followers_current_week as followers_current_week,
        r.followers_7d_ago as followers_7d_ago,
        r.followers_30d_ago as followers_30d_ago,
        r.followers_90d_ago as followers_90d_ago,
        r.followers_1y_ago as followers_1y_ago,
        r.followers_growth7d as followers_growth7d,
        r.followers_growth30d as followers_growth30d,
        r.followers_growth90d as followers_growth90d,
        r.followers_growth1y as followers_growth1y,
        r.audience_reachability as audience_reachability,
        r.audience_authencity as audience_authencity,
        r.top_audience_gender as top_audience_gender,
        r.top_audience_age as top_audience_age,
        r.top_audience_country as top_audience_country,
        r.audience_female_share as audience_female_share,
        l.channel_id as linked_channel_id,
        l.yt_subscribers as linked_yt_subscribers,
        toUInt64(r.country_rank) as country_rank,
        toUInt64(r.category_rank) as category_rank,
        toUInt64(r.followers_rank) as followers_rank,
        r.updated_at as updated_at
    from ranked r
    left join links l on l.handle = r.handle
),

final as (
    select
        f.*,
        {%- for metric in metrics %}
        {{ discovery_grade('f.' ~ metric, 'gm', metric) }} as {{ metric }}_grade,
        gm.group_avg_{{ metric }} as group_avg_{{ metric }},
        {%- endfor %}
        gm.profiles as group_profiles
    from final_without_group_metrics f
    left join {{ ref('mart_primary_group_metrics') }} gm on gm.group_key = f.group_key
)

select * from final
