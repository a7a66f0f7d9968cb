-- dbt.mart_genre_growth -> public.genre_growth (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.genre_growth (
    week date NOT NULL,
    platform text NOT NULL,
    category text NOT NULL,
    creators numeric(20,0) NOT NULL,
    total_audience bigint NOT NULL,
    creators_with_change numeric(20,0) NOT NULL,
    audience_change bigint NOT NULL,
    growth_pct double precision,
    CONSTRAINT genre_growth_pkey PRIMARY KEY (week, platform, category)
);
