{{ config(
    materialized='incremental',
    engine='ReplacingMergeTree()',
    order_by='(profile_id, week)',
    incremental_strategy='append',
    tags=['daily'],
    query_settings={'optimize_on_insert': 0},
) }}

{#- optimize_on_insert off: the GROUP BY already gives one row per (entity, week), so the
    insert-time dedup would only sort every row again. -#}

{{ marts_leaderboard_weekly_series(
    ref('stg_beat_instagram_account_time_series'), 'profile_id',
    ['followers', 'following'], ['followers']
) }}
