{{ config(materialized='table', tags=['weekly'], order_by='(week, category, country)') }}

{{ marts_leaderboard_growth_weekly_agg(
    ref('mart_insta_account_weekly'), 'profile_id', ref('stg_beat_instagram_account'), 'followers') }}
