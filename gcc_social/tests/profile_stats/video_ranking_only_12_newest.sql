{{ ranking_only_12_newest('mart_youtube_video_ranking', 'mart_youtube_recent_video_stats', 'video_id', 'video_rank_by_class') }}
