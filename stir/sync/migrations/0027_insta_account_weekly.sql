-- dbt.mart_insta_account_weekly -> public.insta_account_weekly (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.insta_account_weekly (
    profile_id text NOT NULL,
    week date NOT NULL,
    followers bigint NOT NULL,
    following bigint NOT NULL,
    p_week date,
    last_week_available smallint NOT NULL,
    followers_prev bigint,
    followers_change bigint,
    last_updated timestamp NOT NULL,
    CONSTRAINT insta_account_weekly_pkey PRIMARY KEY (profile_id, week)
);
