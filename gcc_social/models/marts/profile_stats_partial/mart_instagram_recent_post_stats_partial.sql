{{ config(
    materialized='incremental',
    engine='ReplacingMergeTree()',
    order_by='(profile_id, shortcode)',
    incremental_strategy='append',
    tags=['post_ranker_partial'],
    meta={'batch_rows': 5000000, 'batch_incremental': true},
    query_settings={'max_block_size': 8192},
) }}

{#- Same SQL as mart_instagram_recent_post_stats, for profiles with posts scraped in the last hours. ranked_at tells readers which rows belong to a profile's latest
    recomputation (rows of posts that dropped out of the recent window stay behind in a
    ReplacingMergeTree until the next full run replaces the serving copy). -#}
select *, now() as ranked_at
from (
    {{ marts_profile_stats_ig_recent_posts(profiles=marts_profile_stats_hot_entities(ref('stg_beat_instagram_post'), 'profile_id')) }}
)
