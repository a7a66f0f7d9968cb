{{ ranking_only_12_newest('mart_instagram_post_ranking', 'mart_instagram_recent_post_stats', 'shortcode', 'post_rank_by_class') }}
