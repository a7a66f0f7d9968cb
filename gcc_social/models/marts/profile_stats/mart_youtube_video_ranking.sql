{{ config(materialized='table', tags=['post_ranker'], order_by='(channel_id, video_class, metric, rank)') }}

{{ marts_profile_stats_yt_video_ranking(ref('mart_youtube_recent_video_stats')) }}
