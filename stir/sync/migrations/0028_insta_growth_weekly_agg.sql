-- dbt.mart_insta_growth_weekly_agg -> public.insta_growth_weekly_agg (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.insta_growth_weekly_agg (
    week date NOT NULL,
    category text NOT NULL,
    country text NOT NULL,
    creators numeric(20,0) NOT NULL,
    creators_with_change numeric(20,0) NOT NULL,
    total_followers bigint NOT NULL,
    total_followers_change bigint,
    avg_followers_change double precision,
    median_growth_pct double precision,
    growers numeric(20,0) NOT NULL,
    decliners numeric(20,0) NOT NULL,
    CONSTRAINT insta_growth_weekly_agg_pkey PRIMARY KEY (week, category, country)
);
