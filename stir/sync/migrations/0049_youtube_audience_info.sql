-- dbt.mart_youtube_audience_info -> public.youtube_audience_info (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.youtube_audience_info (
    channel_id text NOT NULL,
    platform text NOT NULL,
    top_audience_gender text,
    top_audience_gender_share double precision,
    audience_female_share double precision,
    audience_male_share double precision,
    top_audience_age text,
    top_audience_age_share double precision,
    top_audience_country text,
    top_audience_country_share double precision,
    audience_countries numeric(20,0) NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT youtube_audience_info_pkey PRIMARY KEY (channel_id)
);
