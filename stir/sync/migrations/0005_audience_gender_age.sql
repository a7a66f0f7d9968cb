-- dbt.mart_audience_gender_age -> public.audience_gender_age (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.audience_gender_age (
    platform_id text NOT NULL,
    platform text NOT NULL,
    gender text NOT NULL,
    age text NOT NULL,
    gender_share double precision NOT NULL,
    age_share double precision NOT NULL,
    share double precision NOT NULL,
    estimated_people bigint NOT NULL,
    CONSTRAINT audience_gender_age_pkey PRIMARY KEY (platform_id, gender, age)
);
