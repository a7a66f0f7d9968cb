{{ config(materialized='table', tags=['post_ranker'], order_by='profile_id',
          meta={'batch_rows': 5000000}, query_settings={'max_block_size': 8192}) }}

{#- a first build goes a range of profiles at a time (the four rank windows over every
    recent post went over the 3 GB query cap at 1M creators) -#}
{{ marts_profile_stats_ig_account_summary(ref('mart_instagram_recent_post_stats'), batched=true) }}
