{{ config(
    materialized='incremental',
    engine='ReplacingMergeTree()',
    order_by='(profile_id, week)',
    incremental_strategy='append',
    tags=['daily'],
) }}

{{ marts_leaderboard_weekly_series(
    ref('stg_beat_instagram_account_time_series'), 'profile_id',
    ['followers', 'following'], ['followers']
) }}
