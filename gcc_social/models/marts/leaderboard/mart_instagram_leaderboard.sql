{{ config(materialized='table', tags=['daily'], order_by='(month, profile_id)', partition_by='toYYYYMM(month)',
          meta={'batch_rows': 300000},
          query_settings={'max_block_size': 8192, 'join_algorithm': 'full_sorting_merge'}) }}

{#- Monthly Instagram ranks: followers, follower growth (followers_change over the
    month), views and plays, each globally and by category, language, category+language,
    profile type (account_type) and profile type+category / +language (28 ranks), plus
    the same ranks of the previous month. Dimensions are the profile's current ones.
    The 28 rank windows each sort the whole table, so each axis is ranked on its own narrow
    projection (keys, the axis and the dimensions as hashes), its previous-month ranks
    come from a lag window there, and the wide columns are joined back once at the end.
    A first build at 1M creators (18M rows, over the 3 GB query cap in one statement) goes
    month by month (macros/partition_batches.sql): every rank window is per month, and each
    batch also reads the month before for the previous-month ranks, then keeps its own;
    the joins sort and merge (they spill) instead of holding hash tables of 2M rows.
    Batches of at most 300k source rows: at 100k creators two batches of ~9 months each
    went over the 3 GB cap in a steady-state daily run (five batches pass); at 1M creators
    a batch is one month either way. -#}
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
    where {{ batch_slot('month1', 'month', ref('mart_insta_account_monthly')) }}
),

-- Dimension strings replaced by their hashes (NULL stays NULL): the rank windows only
-- compare them for equality, and 8-byte keys are cheaper to carry through 28 sorts.
{%- for axis in marts_leaderboard_rank_axes() %}

{{ axis }}_narrow as (
    select
        month,
        profile_id,
        {{ axis }},
        if(isNull(b.category), NULL, cityHash64(b.category)) as category,
        if(isNull(b.language), NULL, cityHash64(b.language)) as language,
        cityHash64(b.profile_type) as profile_type
    from base b
),

{{ axis }}_ranked as (
    select
        month,
        profile_id,
        {{ marts_leaderboard_rank_columns([axis]) }}
    from {{ axis }}_narrow
),

{{ axis }}_ranks as (
    {%- set keys = [] %}
    {%- for suffix, _cols in marts_leaderboard_rank_partitions() %}{% do keys.append(axis ~ '_rank' ~ suffix) %}{% endfor %}
    select
        *,
        {{ marts_leaderboard_prev_rank_columns('prev', keys) }}
    from {{ axis }}_ranked
    window prev as (partition by profile_id order by month rows between 1 preceding and current row)
){{ "," if not loop.last }}
{%- endfor %}

select
    b.month as month,
    b.profile_id as profile_id,
    b.handle as handle,
    b.category as category,
    b.language as language,
    b.profile_type as profile_type,
    b.followers as followers,
    b.followers_change as followers_change,
    b.views as views,
    b.plays as plays,
    b.engagement_rate as engagement_rate,
    b.avg_likes as avg_likes,
    b.avg_comments as avg_comments,
    b.avg_views as avg_views,
    b.avg_plays as avg_plays,
    b.post_count as post_count,
    {%- for key in marts_leaderboard_rank_keys() %}
    {{ key }},
    {%- endfor %}
    {%- for key in marts_leaderboard_rank_keys() %}
    {{ key }}_prev{{ "," if not loop.last }}
    {%- endfor %}
from base b
{%- for axis in marts_leaderboard_rank_axes() %}
inner join {{ axis }}_ranks r_{{ axis }} on r_{{ axis }}.profile_id = b.profile_id and r_{{ axis }}.month = b.month
{%- endfor %}
where {{ batch_slot('month', 'month', ref('mart_insta_account_monthly')) }}
