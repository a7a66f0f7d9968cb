-- dbt.mart_collection_creator_stats -> public.collection_creator_stats (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.collection_creator_stats (
    collection_id numeric(20,0) NOT NULL,
    platform text NOT NULL,
    platform_id text NOT NULL,
    handle text,
    name text,
    followers bigint,
    posts numeric(20,0) NOT NULL,
    stories numeric(20,0) NOT NULL,
    likes bigint NOT NULL,
    comments bigint NOT NULL,
    views bigint NOT NULL,
    engagement bigint NOT NULL,
    estimated_reach bigint NOT NULL,
    avg_er double precision,
    share_of_engagement double precision,
    engagement_rank numeric(20,0) NOT NULL,
    last_post_at timestamp,
    CONSTRAINT collection_creator_stats_pkey PRIMARY KEY (collection_id, platform, platform_id)
);
CREATE INDEX collection_creator_stats_platform_id_idx ON public.collection_creator_stats (platform_id);
CREATE INDEX collection_creator_stats_handle_idx ON public.collection_creator_stats (handle);
