{{ config(materialized='table', tags=['post_ranker'], meta={'batch_rows': 2000000},
          query_settings={'max_block_size': 8192}, order_by='(profile_id, post_class, metric, rank)') }}

{#- A first build at 1M creators goes a key range at a time (the window sorts of one
    statement outgrew the 3 GB query cap); each key's rows are whole in one batch. -#}
{{ marts_profile_stats_ig_post_ranking(ref('mart_instagram_recent_post_stats'), batched=true) }}
