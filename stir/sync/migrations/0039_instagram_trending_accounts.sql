-- dbt.mart_instagram_trending_accounts -> public.instagram_trending_accounts (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.instagram_trending_accounts (
    profile_id text NOT NULL,
    handle text NOT NULL,
    name text,
    category text NOT NULL,
    country text,
    follower_group text NOT NULL,
    followers bigint NOT NULL,
    engagement_rate double precision,
    followers_growth7d bigint,
    followers_growth30d bigint,
    growth7d_pct double precision,
    growth30d_pct double precision,
    trend_rank numeric(20,0) NOT NULL,
    category_trend_rank numeric(20,0) NOT NULL,
    CONSTRAINT instagram_trending_accounts_pkey PRIMARY KEY (profile_id)
);
CREATE INDEX instagram_trending_accounts_handle_idx ON public.instagram_trending_accounts (handle);
