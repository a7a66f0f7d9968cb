{{ config(
    materialized='incremental',
    engine='ReplacingMergeTree()',
    order_by='(channel_id, week)',
    incremental_strategy='append',
    tags=['daily'],
    query_settings={'optimize_on_insert': 0},
) }}

{#- optimize_on_insert off: the GROUP BY already gives one row per (entity, week), so the
    insert-time dedup would only sort every row again. -#}

{{ marts_leaderboard_weekly_series(
    ref('stg_beat_youtube_channel_time_series'), 'channel_id',
    ['subscribers', 'views', 'video_count'], ['subscribers', 'views']
) }}
