{{ config(materialized='table', tags=['post_ranker'], order_by='channel_id') }}

{{ marts_profile_stats_yt_channel_summary(ref('mart_youtube_recent_video_stats')) }}
