{{ config(materialized='table', tags=['post_ranker'], order_by='(profile_id, shortcode)') }}

{{ marts_profile_stats_ig_recent_posts() }}
