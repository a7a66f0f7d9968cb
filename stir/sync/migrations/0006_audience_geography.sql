-- dbt.mart_audience_geography -> public.audience_geography (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.audience_geography (
    platform_id text NOT NULL,
    platform text NOT NULL,
    level text NOT NULL,
    location text NOT NULL,
    share double precision NOT NULL,
    estimated_people bigint NOT NULL,
    location_rank numeric(20,0) NOT NULL,
    CONSTRAINT audience_geography_pkey PRIMARY KEY (platform_id, level, location)
);
