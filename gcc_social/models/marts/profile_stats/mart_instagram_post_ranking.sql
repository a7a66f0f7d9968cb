{{ config(materialized='table', tags=['post_ranker'], order_by='(profile_id, post_class, metric, rank)') }}

{{ marts_profile_stats_ig_post_ranking(ref('mart_instagram_recent_post_stats')) }}
