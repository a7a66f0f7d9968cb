-- dbt.mart_yt_account_monthly -> public.yt_account_monthly (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.yt_account_monthly (
    channel_id text NOT NULL,
    month date NOT NULL,
    subscribers bigint NOT NULL,
    lifetime_views bigint NOT NULL,
    subscribers_change bigint,
    monthly_views bigint,
    video_count bigint NOT NULL,
    shorts_count bigint NOT NULL,
    avg_likes double precision,
    avg_comments double precision,
    avg_views double precision,
    avg_plays double precision,
    engagement_rate double precision,
    CONSTRAINT yt_account_monthly_pkey PRIMARY KEY (channel_id, month)
);
