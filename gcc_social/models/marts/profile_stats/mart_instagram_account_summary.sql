{{ config(materialized='table', tags=['post_ranker'], order_by='profile_id') }}

{{ marts_profile_stats_ig_account_summary(ref('mart_instagram_recent_post_stats')) }}
