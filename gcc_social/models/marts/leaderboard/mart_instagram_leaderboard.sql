{{ config(materialized='table', tags=['daily'], order_by='(month, profile_id)', partition_by='toYYYYMM(month)') }}

{#- Monthly Instagram ranks: followers, follower growth (followers_change over the
    month), views and plays, each globally and by category, language, category+language,
    profile type (account_type) and profile type+category / +language (28 ranks), plus
    the same ranks of the previous month. Dimensions are the profile's current ones. -#}
with accounts as (
    select
        profile_id,
        handle,
        nullIf(trimBoth(ifNull(category, '')), '') as category,
        nullIf(lower(trimBoth(ifNull(language, ''))), '') as language,
        ifNull(nullIf(upper(trimBoth(ifNull(account_type, ''))), ''), 'UNKNOWN') as profile_type
    from {{ ref('stg_beat_instagram_account') }}
),

base as (
    select
        m.month as month,
        m.profile_id as profile_id,
        a.handle as handle,
        a.category as category,
        a.language as language,
        -- profiles never scraped as accounts still rank globally
        if(a.profile_id = '', 'UNKNOWN', a.profile_type) as profile_type,
        m.followers as followers,
        m.followers_change as followers_change,
        m.avg_views as views,
        m.avg_plays as plays,
        m.engagement_rate as engagement_rate,
        m.avg_likes as avg_likes,
        m.avg_comments as avg_comments,
        m.avg_views as avg_views,
        m.avg_plays as avg_plays,
        m.post_count as post_count
    from {{ ref('mart_insta_account_monthly') }} m
    left join accounts a on a.profile_id = m.profile_id
),

ranked as (
    select
        *,
        {{ marts_leaderboard_rank_columns() }}
    from base
)

select
    *,
    {{ marts_leaderboard_prev_rank_columns('prev') }}
from ranked
window prev as (partition by profile_id order by month rows between 1 preceding and current row)
