{{ config(materialized='table', tags=['post_ranker'], order_by='(profile_id, shortcode)',
          meta={'batch_rows': 5000000}, query_settings={'max_block_size': 8192}) }}

{{ marts_profile_stats_ig_recent_posts() }}
