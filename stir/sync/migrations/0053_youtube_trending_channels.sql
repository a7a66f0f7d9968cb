-- dbt.mart_youtube_trending_channels -> public.youtube_trending_channels (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.youtube_trending_channels (
    channel_id text NOT NULL,
    handle text,
    title text,
    category text NOT NULL,
    country text,
    subscriber_group text NOT NULL,
    subscribers bigint NOT NULL,
    avg_views double precision,
    subscribers_growth7d bigint,
    subscribers_growth30d bigint,
    growth7d_pct double precision,
    growth30d_pct double precision,
    trend_rank numeric(20,0) NOT NULL,
    category_trend_rank numeric(20,0) NOT NULL,
    CONSTRAINT youtube_trending_channels_pkey PRIMARY KEY (channel_id)
);
CREATE INDEX youtube_trending_channels_handle_idx ON public.youtube_trending_channels (handle);
