-- dbt.mart_leaderboard_history -> public.leaderboard_history (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.leaderboard_history (
    profile_platform text NOT NULL,
    platform_id text NOT NULL,
    month date NOT NULL,
    handle text,
    category text,
    followers bigint NOT NULL,
    followers_change bigint,
    followers_rank numeric(20,0),
    followers_change_rank numeric(20,0),
    followers_rank_by_cat numeric(20,0),
    followers_rank_change bigint,
    best_followers_rank numeric(20,0),
    months_ranked numeric(20,0) NOT NULL,
    first_month_followers bigint NOT NULL,
    followers_gain_since_first bigint NOT NULL,
    CONSTRAINT leaderboard_history_pkey PRIMARY KEY (profile_platform, platform_id, month)
);
CREATE INDEX leaderboard_history_platform_id_idx ON public.leaderboard_history (platform_id);
CREATE INDEX leaderboard_history_handle_idx ON public.leaderboard_history (handle);
