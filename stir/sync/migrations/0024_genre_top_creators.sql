-- dbt.mart_genre_top_creators -> public.genre_top_creators (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.genre_top_creators (
    platform text NOT NULL,
    category text NOT NULL,
    rank numeric(20,0) NOT NULL,
    platform_id text NOT NULL,
    handle text,
    name text,
    country text,
    language text,
    followers bigint NOT NULL,
    engagement_rate double precision,
    followers_growth30d bigint,
    CONSTRAINT genre_top_creators_pkey PRIMARY KEY (platform, category, rank)
);
CREATE INDEX genre_top_creators_platform_id_idx ON public.genre_top_creators (platform_id);
CREATE INDEX genre_top_creators_handle_idx ON public.genre_top_creators (handle);
