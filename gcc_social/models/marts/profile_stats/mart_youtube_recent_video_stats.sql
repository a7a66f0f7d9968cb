{{ config(materialized='table', tags=['post_ranker'], order_by='(channel_id, video_id)') }}

{{ marts_profile_stats_yt_recent_videos() }}
