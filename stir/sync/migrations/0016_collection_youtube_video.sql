-- dbt.mart_collection_youtube_video -> public.collection_youtube_video (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.collection_youtube_video (
    collection_id numeric(20,0) NOT NULL,
    video_id text NOT NULL,
    item_id numeric(20,0) NOT NULL,
    brand_id numeric(20,0) NOT NULL,
    channel_id text,
    channel_name text,
    channel_handle text,
    title text,
    is_short smallint,
    duration_seconds integer,
    publish_time timestamp,
    views bigint,
    likes bigint,
    comments bigint,
    engagement bigint,
    er double precision,
    like_rate double precision,
    comment_rate double precision,
    channel_subscribers bigint,
    views_per_subscriber double precision,
    avg_daily_views double precision,
    added_at timestamp NOT NULL,
    last_scraped_at timestamp,
    is_scraped smallint NOT NULL,
    CONSTRAINT collection_youtube_video_pkey PRIMARY KEY (collection_id, video_id)
);
CREATE INDEX collection_youtube_video_channel_id_idx ON public.collection_youtube_video (channel_id);
CREATE INDEX collection_youtube_video_brand_id_idx ON public.collection_youtube_video (brand_id);
