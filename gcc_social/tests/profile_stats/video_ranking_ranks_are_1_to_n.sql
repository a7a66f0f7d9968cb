{{ ranking_ranks_are_1_to_n('mart_youtube_video_ranking', 'channel_id', 'video_class') }}
