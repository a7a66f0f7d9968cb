-- dbt.mart_leaderboard_top_movers -> public.leaderboard_top_movers (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.leaderboard_top_movers (
    month date NOT NULL,
    profile_platform text NOT NULL,
    platform_id text NOT NULL,
    handle text,
    category text,
    followers bigint NOT NULL,
    followers_change bigint,
    followers_rank numeric(20,0) NOT NULL,
    followers_rank_prev numeric(20,0) NOT NULL,
    rank_change bigint NOT NULL,
    direction text NOT NULL,
    mover_rank numeric(20,0) NOT NULL,
    CONSTRAINT leaderboard_top_movers_pkey PRIMARY KEY (month, profile_platform, platform_id)
);
CREATE INDEX leaderboard_top_movers_platform_id_idx ON public.leaderboard_top_movers (platform_id);
CREATE INDEX leaderboard_top_movers_handle_idx ON public.leaderboard_top_movers (handle);
