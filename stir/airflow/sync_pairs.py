"""Every (sync DAG, ClickHouse mart, PostgreSQL table) the DAG catalogue lists.

verify_pg_sync_counts reads the pairs from here, so it runs wherever the package is
installed (the compose image does not ship docs/). tests/dags/test_catalogue.py checks
these lists against docs/dags.md and against the sync DAGs themselves: change all three
together.
"""

from __future__ import annotations

SYNC_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("sync_insta_posts", "mart_instagram_post", "instagram_post"),
    ("sync_insta_account_core", "mart_instagram_account_core", "instagram_account_core"),
    ("sync_insta_trending_accounts", "mart_instagram_trending_accounts", "instagram_trending_accounts"),
    ("sync_insta_accounts_prod", "mart_instagram_account", "instagram_account"),
    ("sync_insta_account_search", "mart_instagram_account_search", "instagram_account_search"),
    ("sync_insta_profile_insights", "mart_instagram_reach_stats", "instagram_reach_stats"),
    ("sync_insta_audience", "mart_audience_info", "audience_info"),
    ("sync_insta_audience", "mart_audience_gender_age", "audience_gender_age"),
    ("sync_insta_audience", "mart_audience_geography", "audience_geography"),
    ("sync_insta_recent_post_stats", "mart_instagram_recent_post_stats", "instagram_recent_post_stats"),
    ("sync_insta_account_summary", "mart_instagram_account_summary", "instagram_account_summary"),
    ("sync_insta_post_ranking", "mart_instagram_post_ranking", "instagram_post_ranking"),
    ("sync_insta_engagement_stats", "mart_instagram_engagement_stats", "instagram_engagement_stats"),
    ("sync_insta_similar_accounts", "mart_instagram_similar_accounts", "instagram_similar_accounts"),
    ("sync_insta_price_estimate", "mart_instagram_price_estimate", "instagram_price_estimate"),
    ("sync_insta_brand_safety", "mart_instagram_brand_safety", "instagram_brand_safety"),
    ("sync_yt_videos", "mart_youtube_video", "youtube_video"),
    ("sync_yt_trending_channels", "mart_youtube_trending_channels", "youtube_trending_channels"),
    ("sync_yt_channels", "mart_youtube_account", "youtube_account"),
    ("sync_yt_account_search", "mart_youtube_account_search", "youtube_account_search"),
    ("sync_yt_group_metrics", "mart_youtube_group_metrics", "youtube_group_metrics"),
    ("sync_yt_audience", "mart_youtube_audience_info", "youtube_audience_info"),
    ("sync_yt_recent_video_stats", "mart_youtube_recent_video_stats", "youtube_recent_video_stats"),
    ("sync_yt_account_summary", "mart_youtube_account_summary", "youtube_account_summary"),
    ("sync_yt_video_ranking", "mart_youtube_video_ranking", "youtube_video_ranking"),
    ("sync_yt_critical_daily", "mart_youtube_channel_core", "youtube_channel_core"),
    ("sync_yt_critical_daily", "mart_yt_account_weekly", "yt_account_weekly"),
    ("sync_yt_critical_daily", "mart_yt_account_monthly", "yt_account_monthly"),
    ("sync_leaderboard_prod", "mart_leaderboard", "leaderboard"),
    ("sync_leaderboard_staging", "mart_leaderboard", "leaderboard_staging"),
    ("sync_time_series_prod", "mart_time_series", "time_series"),
    ("sync_leaderboard_movers", "mart_leaderboard_top_movers", "leaderboard_top_movers"),
    ("sync_leaderboard_movers", "mart_leaderboard_category_summary", "leaderboard_category_summary"),
    ("sync_cross_platform_leaderboard", "mart_cross_platform_leaderboard", "cross_platform_leaderboard"),
    ("sync_leaderboard_history", "mart_leaderboard_history", "leaderboard_history"),
    ("sync_growth_weekly_agg", "mart_insta_growth_weekly_agg", "insta_growth_weekly_agg"),
    ("sync_growth_weekly_agg", "mart_yt_growth_weekly_agg", "yt_growth_weekly_agg"),
    ("sync_growth_weekly_agg", "mart_genre_growth", "genre_growth"),
    ("sync_insta_account_growth", "mart_insta_account_weekly", "insta_account_weekly"),
    ("sync_insta_account_growth", "mart_insta_account_monthly", "insta_account_monthly"),
    ("sync_genre_insights", "mart_genre_overview", "genre_overview"),
    ("sync_genre_insights", "mart_genre_language", "genre_language"),
    ("sync_genre_insights", "mart_genre_country", "genre_country"),
    ("sync_genre_insights", "mart_genre_top_creators", "genre_top_creators"),
    ("sync_genre_insights", "mart_genre_hashtags", "genre_hashtags"),
    ("sync_genre_insights", "mart_genre_youtube_overview", "genre_youtube_overview"),
    ("sync_discovery_filters", "mart_discovery_filters", "discovery_filters"),
    ("sync_discovery_filters", "mart_linked_socials", "linked_socials"),
    ("sync_collection_posts_prod", "mart_collection_post", "collection_post"),
    ("sync_collection_posts_prod", "mart_collection_youtube_video", "collection_youtube_video"),
    ("sync_collection_summary", "mart_collection_summary", "collection_summary"),
    ("sync_collection_summary", "mart_collection_profile_summary", "collection_profile_summary"),
    ("sync_collection_profiles", "mart_collection_profile", "collection_profile"),
    ("sync_collection_profiles", "mart_collection_creator_stats", "collection_creator_stats"),
    ("sync_collection_time_series", "mart_collection_daily_stats", "collection_daily_stats"),
    ("sync_collection_time_series", "mart_collection_post_time_series", "collection_post_time_series"),
    ("sync_collection_time_series", "mart_collection_hashtag_stats", "collection_hashtag_stats"),
    ("sync_campaign_analytics_prod", "mart_campaign_summary", "campaign_summary"),
    ("sync_campaign_analytics_prod", "mart_campaign_post", "campaign_post"),
    ("sync_campaign_analytics_prod", "mart_campaign_creator_performance", "campaign_creator_performance"),
    ("sync_group_metrics_prod", "mart_primary_group_metrics", "primary_group_metrics"),
)


# (upsert DAG, partial mart, served table, key): the partial post-ranking path (stir/sync/upsert.py).
# Each table is also swapped whole by a full sync above; verify_pg_sync_counts reconciles those
# pairs only (a partial mart holds the hot profiles, a fraction of the table by design).
UPSERT_PAIRS: tuple[tuple[str, str, str, str], ...] = (
    ("sync_insta_ranking_partial", "mart_instagram_recent_post_stats_partial", "instagram_recent_post_stats",
     "profile_id"),
    ("sync_insta_ranking_partial", "mart_instagram_post_ranking_partial", "instagram_post_ranking", "profile_id"),
    ("sync_insta_ranking_partial", "mart_instagram_account_summary_partial", "instagram_account_summary",
     "profile_id"),
    ("sync_yt_ranking_partial", "mart_youtube_recent_video_stats_partial", "youtube_recent_video_stats",
     "channel_id"),
    ("sync_yt_ranking_partial", "mart_youtube_video_ranking_partial", "youtube_video_ranking", "channel_id"),
    ("sync_yt_ranking_partial", "mart_youtube_account_summary_partial", "youtube_account_summary", "channel_id"),
)


def pairs() -> list[tuple[str, str]]:
    """(mart, table) in catalogue order."""
    return [(mart, table) for _dag, mart, table in SYNC_PAIRS]
