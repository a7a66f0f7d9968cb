-- dbt.mart_instagram_engagement_stats -> public.instagram_engagement_stats (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.instagram_engagement_stats (
    profile_id text NOT NULL,
    followers bigint,
    recent_post_count bigint NOT NULL,
    comments_rate double precision,
    likes_to_comment_ratio double precision,
    likes_spread double precision,
    avg_posts_per_week double precision NOT NULL,
    recent_engagement_rate double precision,
    last_post_time timestamp NOT NULL,
    CONSTRAINT instagram_engagement_stats_pkey PRIMARY KEY (profile_id)
);
