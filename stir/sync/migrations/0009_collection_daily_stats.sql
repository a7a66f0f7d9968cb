-- dbt.mart_collection_daily_stats -> public.collection_daily_stats (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.collection_daily_stats (
    collection_id numeric(20,0) NOT NULL,
    date date NOT NULL,
    posts_published numeric(20,0) NOT NULL,
    stories_published numeric(20,0) NOT NULL,
    creators_posting numeric(20,0) NOT NULL,
    likes bigint NOT NULL,
    comments bigint NOT NULL,
    views bigint NOT NULL,
    engagement bigint NOT NULL,
    estimated_reach bigint NOT NULL,
    avg_engagement_per_post double precision,
    cumulative_posts numeric(20,0) NOT NULL,
    cumulative_engagement bigint NOT NULL,
    cumulative_reach bigint NOT NULL,
    CONSTRAINT collection_daily_stats_pkey PRIMARY KEY (collection_id, date)
);
