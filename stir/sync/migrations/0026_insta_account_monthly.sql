-- dbt.mart_insta_account_monthly -> public.insta_account_monthly (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.insta_account_monthly (
    profile_id text NOT NULL,
    month date NOT NULL,
    followers bigint NOT NULL,
    following bigint NOT NULL,
    followers_change bigint,
    post_count bigint NOT NULL,
    avg_likes double precision,
    avg_comments double precision,
    avg_views double precision,
    avg_plays double precision,
    engagement_rate double precision,
    CONSTRAINT insta_account_monthly_pkey PRIMARY KEY (profile_id, month)
);
