-- dbt.mart_leaderboard -> public.leaderboard_staging (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.leaderboard_staging (
    month date NOT NULL,
    profile_platform text NOT NULL,
    platform_id text NOT NULL,
    handle text,
    language text,
    category text,
    platform text NOT NULL,
    profile_type text NOT NULL,
    followers bigint NOT NULL,
    followers_change bigint,
    engagement_rate double precision,
    avg_likes double precision,
    avg_comments double precision,
    avg_views double precision,
    avg_plays double precision,
    followers_rank numeric(20,0),
    followers_change_rank numeric(20,0),
    views_rank numeric(20,0),
    plays_rank numeric(20,0),
    followers_rank_by_cat numeric(20,0),
    views_rank_by_cat numeric(20,0),
    followers_rank_by_lang numeric(20,0),
    views_rank_by_lang numeric(20,0),
    followers_rank_by_cat_lang numeric(20,0),
    views_rank_by_cat_lang numeric(20,0),
    current_month_ranks jsonb NOT NULL,
    last_month_ranks jsonb NOT NULL,
    -- filled at load time by the enrichment "instagram_account" (joins, not an UPDATE)
    platform_profile_id text,
    audience_gender text,
    search_phrase text,
    CONSTRAINT leaderboard_staging_pkey PRIMARY KEY (month, profile_platform, platform_id)
);
CREATE INDEX leaderboard_staging_platform_id_idx ON public.leaderboard_staging (platform_id);
CREATE INDEX leaderboard_staging_handle_idx ON public.leaderboard_staging (handle);
-- The app's leaderboard screens: a month and platform, optionally a category or language,
-- ordered by a rank.
CREATE INDEX leaderboard_staging_month_platform_idx ON public.leaderboard_staging (month, platform);
CREATE INDEX leaderboard_staging_month_followers_rank_idx ON public.leaderboard_staging (month, profile_platform, followers_rank);
CREATE INDEX leaderboard_staging_month_cat_rank_idx ON public.leaderboard_staging (month, profile_platform, category, followers_rank_by_cat);
CREATE INDEX leaderboard_staging_month_lang_rank_idx ON public.leaderboard_staging (month, profile_platform, language, followers_rank_by_lang);
