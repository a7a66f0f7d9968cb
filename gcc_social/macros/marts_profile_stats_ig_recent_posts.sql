{#- Each profile's recent posts (published in the last 90 days, or its 50 newest) in
    their latest state, with post_class, recency ranks and ER on current followers.
    `profiles` is an optional subquery of profile_ids to restrict to (partial runs); the
    full and partial post rankers both come through here so they cannot diverge. -#}
{% macro marts_profile_stats_ig_recent_posts(profiles=none) -%}
{%- set conditions = ['profile_id in (' ~ profiles ~ ')'] if profiles else [] %}
{#- a first build goes a range of profiles at a time (at 1M creators the windows over
    every post went over the 3 GB query cap); each profile's posts are whole in a batch -#}
{%- do conditions.append(batch_slot('range', 'profile_id', ref('mart_instagram_post'), keys=profiles)) %}
with latest_posts as (
    {{ marts_profile_stats_ig_latest_posts(owner_where=conditions | join(' and ')) }}
),

accounts as (
    -- Nullable, so a profile without an account row gets NULL (not 0) from the left join
    select
        profile_id,
        CAST(followers, 'Nullable(Int64)') as followers,
        CAST(following, 'Nullable(Int64)') as following
    from {{ ref('stg_beat_instagram_account') }}
    {%- if profiles %}
    where profile_id in ({{ profiles }})
    {%- endif %}
),

ranked as (
    select
        *,
        {{ marts_profile_stats_ig_post_class('post_type') }} as post_class,
        toUInt64(row_number() over (partition by profile_id order by publish_time desc, shortcode)) as post_rank,
        toUInt64(row_number() over (
            partition by profile_id, post_class order by publish_time desc, shortcode
        )) as post_rank_by_class
    from latest_posts
)

select
    r.shortcode as shortcode,
    r.profile_id as profile_id,
    -- the account's latest count; the count seen on the post's scrape when the account
    -- itself was never scraped
    CAST(coalesce(a.followers, r.profile_follower), 'Nullable(Int64)') as followers,
    a.following as following,
    r.post_type as post_type,
    r.post_class as post_class,
    r.publish_time as publish_time,
    r.likes as likes,
    r.comments as comments,
    r.views as views,
    r.plays as plays,
    r.reach as reach,
    r.impressions as impressions,
    r.likes + r.comments as engagement,
    CAST({{ engagement_rate('r.likes + r.comments', 'followers') }}, 'Nullable(Float64)') as er,
    r.is_sponsored as is_sponsored,
    r.post_rank as post_rank,
    r.post_rank_by_class as post_rank_by_class,
    r.last_updated as last_updated
from ranked r
left join accounts a on a.profile_id = r.profile_id
where r.publish_time >= now() - INTERVAL 90 DAY or r.post_rank <= 50
{%- endmacro %}
