-- dbt.mart_audience_info -> public.audience_info (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.audience_info (
    platform_id text NOT NULL,
    platform text NOT NULL,
    audience_reachability double precision,
    audience_authencity double precision,
    notable_followers bigint,
    top_audience_gender text,
    top_audience_gender_share double precision,
    audience_female_share double precision,
    audience_male_share double precision,
    top_audience_age text,
    top_audience_age_share double precision,
    top_audience_country text,
    top_audience_country_share double precision,
    top_audience_city text,
    top_audience_city_share double precision,
    top_audience_language text,
    updated_at timestamp NOT NULL,
    CONSTRAINT audience_info_pkey PRIMARY KEY (platform_id)
);
