{{ config(
    materialized='table',
    tags=['daily'],
    order_by='(month, profile_platform, platform_id)',
    partition_by='toYYYYMM(month)',
    query_settings={
        'max_bytes_before_external_group_by': 20000000000,
        'max_bytes_before_external_sort': 20000000000,
        'join_algorithm': 'partial_merge',
    },
) }}

{#- The serving leaderboard (synced to PostgreSQL by sync_leaderboard_prod): Instagram
    ('IA'), YouTube ('YA') and cross-platform ('CP') rows in one table, the 28 ranks of
    this month and of last month as Map(String, UInt64) (0 = not ranked). Unique key:
    (month, profile_platform, platform_id). Columns are read through `src.` where an
    output alias of the same name would otherwise shadow them. -#}
{%- set sources = [
    ('IA', 'mart_instagram_leaderboard', 'profile_id', "'INSTAGRAM'"),
    ('YA', 'mart_youtube_leaderboard', 'channel_id', "'YOUTUBE'"),
    ('CP', 'mart_cross_platform_leaderboard', 'handle', 'platform'),
] %}

{%- for profile_platform, model, id_column, platform in sources %}
select
    month,
    '{{ profile_platform }}' as profile_platform,
    toString(src.{{ id_column }}) as platform_id,
    CAST(src.handle, 'Nullable(String)') as handle,
    language,
    category,
    {{ platform }} as platform,
    profile_type,
    toInt64(followers) as followers,
    CAST(followers_change, 'Nullable(Int64)') as followers_change,
    CAST(engagement_rate, 'Nullable(Float64)') as engagement_rate,
    CAST(avg_likes, 'Nullable(Float64)') as avg_likes,
    CAST(avg_comments, 'Nullable(Float64)') as avg_comments,
    CAST(avg_views, 'Nullable(Float64)') as avg_views,
    CAST(avg_plays, 'Nullable(Float64)') as avg_plays,
    followers_rank,
    followers_change_rank,
    views_rank,
    plays_rank,
    followers_rank_by_cat,
    views_rank_by_cat,
    followers_rank_by_lang,
    views_rank_by_lang,
    followers_rank_by_cat_lang,
    views_rank_by_cat_lang,
    {{ marts_leaderboard_rank_map('') }} as current_month_ranks,
    {{ marts_leaderboard_rank_map('_prev') }} as last_month_ranks
from {{ ref(model) }} as src
{% if not loop.last %}union all{% endif %}
{%- endfor %}
