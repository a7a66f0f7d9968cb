{{ config(
    materialized='incremental',
    engine='ReplacingMergeTree()',
    order_by='(channel_id, week)',
    incremental_strategy='append',
    tags=['daily'],
) }}

{{ marts_leaderboard_weekly_series(
    ref('stg_beat_youtube_channel_time_series'), 'channel_id',
    ['subscribers', 'views', 'video_count'], ['subscribers', 'views']
) }}
