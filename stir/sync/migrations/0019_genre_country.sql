-- dbt.mart_genre_country -> public.genre_country (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.genre_country (
    platform text NOT NULL,
    category text NOT NULL,
    country text NOT NULL,
    creators numeric(20,0) NOT NULL,
    total_followers bigint NOT NULL,
    avg_followers double precision NOT NULL,
    median_followers double precision NOT NULL,
    avg_engagement_rate double precision,
    median_engagement_rate double precision,
    followers_growth30d bigint NOT NULL,
    growth30d_pct double precision,
    verified_share double precision NOT NULL,
    top_creator_id text NOT NULL,
    top_creator_handle text,
    share_of_category_pct double precision NOT NULL,
    CONSTRAINT genre_country_pkey PRIMARY KEY (platform, category, country)
);
