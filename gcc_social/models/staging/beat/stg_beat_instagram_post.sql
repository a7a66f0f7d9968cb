{{ config(
    materialized='incremental',
    incremental_strategy='append',
    engine='ReplacingMergeTree(updated_at)',
    order_by='(shortcode, updated_at)',
    tags=['core'],
    query_settings={'optimize_on_insert': 0},
    meta={'batch_rows': 4000000},
) }}

{#- Every scrape of a post is kept (marts take argMax over updated_at); only exact
    re-deliveries of the same scrape collapse. Incremental with the 4 h lookback: the
    window's winners that staging already holds are not appended again (at 1M creators
    re-inserting the whole window made the model 36 s of each 15-minute core run; 11 s
    without); a re-delivery with a higher id is a new winner, lands in a new part and
    ReplacingMergeTree folds it on merge, so readers that need exactly one row per key
    use FINAL or argMax. The SELECT already
    yields one row per key, so the insert skips ReplacingMergeTree's own per-block
    dedup (optimize_on_insert): a second sort of every wide row, 40 % of the model. -#}

{#- Keeps the highest id per (shortcode, updated_at) like ORDER BY ... LIMIT 1 BY did,
    without sorting the wide rows (captions, arrays): the winning id per key comes from
    a narrow aggregation, the key travels as cityHash64 so the IN set stays small, and
    LIMIT 1 BY only has to drop re-deliveries that share the winning id, which are
    identical, so which one it keeps does not matter (hence no ORDER BY: AM09). -#}
with window_rows as (
    select *
    from {{ source('beat', 'instagram_post') }}
    {{ incremental_lookback('updated_at') }}
    {#- a first build goes month by month of publish_time (macros/partition_batches.sql):
        every scrape of a post shares it, so each (shortcode, updated_at) is in one batch;
        at most 4M source rows a batch (10M-row batches needed 2.8 GiB at 1M creators) -#}
    {{ batch_where('month', 'publish_time', source('beat', 'instagram_post')) }}
),

scrapes as (
    select *
    from window_rows  -- noqa: AL04
    where (cityHash64(shortcode, updated_at), id) in (
        select cityHash64(shortcode, updated_at), max(id)
        from window_rows
        group by shortcode, updated_at
    )
    {%- if is_incremental() %}
        -- a winner staging already holds (an earlier run read it in its own window) is
        -- not appended again: most of the window was staged by the previous runs
        and (cityHash64(trimBoth(shortcode), updated_at), id) not in (
            select cityHash64(shortcode, updated_at), id
            from {{ this }} /* dedup: a set of staged keys */
            {{ incremental_lookback('updated_at') }}
        )
    {%- endif %}
    limit 1 by shortcode, updated_at  -- noqa: AM09
)

select
    id,
    trimBoth(shortcode) as shortcode,
    profile_id,
    lower(trimBoth(post_type)) as post_type,
    caption,
    {{ clean_hashtags('hashtags') }} as hashtags,
    arrayFilter(m -> m != '', arrayMap(m -> {{ clean_handle('m') }}, mentions)) as mentions,
    ifNull(likes, 0) as likes,
    ifNull(comments, 0) as comments,
    views,
    plays,
    reach,
    impressions,
    saves,
    shares,
    profile_follower,
    profile_er,
    thumbnail_url,
    is_sponsored,
    publish_time,
    created_at,
    updated_at,
    likes + comments as engagement,
    {{ engagement_rate('likes + comments', 'profile_follower') }} as er
from scrapes
where shortcode != ''
