-- dbt.mart_yt_growth_weekly_agg -> public.yt_growth_weekly_agg (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.yt_growth_weekly_agg (
    week date NOT NULL,
    category text NOT NULL,
    country text NOT NULL,
    creators numeric(20,0) NOT NULL,
    creators_with_change numeric(20,0) NOT NULL,
    total_subscribers bigint NOT NULL,
    total_subscribers_change bigint,
    avg_subscribers_change double precision,
    median_growth_pct double precision,
    growers numeric(20,0) NOT NULL,
    decliners numeric(20,0) NOT NULL,
    CONSTRAINT yt_growth_weekly_agg_pkey PRIMARY KEY (week, category, country)
);
