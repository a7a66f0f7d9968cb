{{ config(materialized='table', tags=['weekly'], order_by='(week, category, country)') }}

{{ marts_leaderboard_growth_weekly_agg(
    ref('mart_yt_account_weekly'), 'channel_id', ref('stg_beat_youtube_channel'), 'subscribers') }}
