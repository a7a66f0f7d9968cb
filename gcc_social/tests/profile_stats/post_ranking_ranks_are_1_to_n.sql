{{ ranking_ranks_are_1_to_n('mart_instagram_post_ranking', 'profile_id', 'post_class') }}
