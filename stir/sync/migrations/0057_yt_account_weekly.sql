-- dbt.mart_yt_account_weekly -> public.yt_account_weekly (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.yt_account_weekly (
    channel_id text NOT NULL,
    week date NOT NULL,
    subscribers bigint NOT NULL,
    views bigint NOT NULL,
    video_count bigint NOT NULL,
    p_week date,
    last_week_available smallint NOT NULL,
    subscribers_prev bigint,
    subscribers_change bigint,
    views_prev bigint,
    views_change bigint,
    last_updated timestamp NOT NULL,
    CONSTRAINT yt_account_weekly_pkey PRIMARY KEY (channel_id, week)
);
