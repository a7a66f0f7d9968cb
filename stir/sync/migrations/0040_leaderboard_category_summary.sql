-- dbt.mart_leaderboard_category_summary -> public.leaderboard_category_summary (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.leaderboard_category_summary (
    month date NOT NULL,
    profile_platform text NOT NULL,
    category text NOT NULL,
    creators numeric(20,0) NOT NULL,
    leader_platform_id text NOT NULL,
    leader_handle text,
    leader_followers bigint NOT NULL,
    total_followers bigint NOT NULL,
    median_followers double precision NOT NULL,
    total_followers_change bigint,
    median_followers_change double precision,
    avg_engagement_rate double precision,
    CONSTRAINT leaderboard_category_summary_pkey PRIMARY KEY (month, profile_platform, category)
);
