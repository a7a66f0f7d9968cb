-- dbt.mart_time_series -> public.time_series (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.time_series (
    platform text NOT NULL,
    platform_id text NOT NULL,
    date date NOT NULL,
    followers bigint NOT NULL,
    following bigint,
    views bigint,
    followers_change bigint,
    days_since_prev bigint,
    CONSTRAINT time_series_pkey PRIMARY KEY (platform, platform_id, date)
);
CREATE INDEX time_series_platform_id_idx ON public.time_series (platform_id);
