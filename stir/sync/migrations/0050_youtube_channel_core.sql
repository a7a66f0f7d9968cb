-- dbt.mart_youtube_channel_core -> public.youtube_channel_core (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.youtube_channel_core (
    channel_id text NOT NULL,
    title text,
    handle text,
    category text,
    country text,
    language text,
    subscribers bigint NOT NULL,
    total_views bigint NOT NULL,
    video_count bigint NOT NULL,
    subscriber_group text,
    recent_videos numeric(20,0) NOT NULL,
    avg_views double precision,
    avg_likes double precision,
    avg_comments double precision,
    engagement_rate double precision,
    last_video_at timestamp,
    last_scraped_at timestamp NOT NULL,
    CONSTRAINT youtube_channel_core_pkey PRIMARY KEY (channel_id)
);
CREATE INDEX youtube_channel_core_handle_idx ON public.youtube_channel_core (handle);
