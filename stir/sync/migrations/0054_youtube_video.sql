-- dbt.mart_youtube_video -> public.youtube_video (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.youtube_video (
    video_id text NOT NULL,
    channel_id text NOT NULL,
    title text,
    tags text[] NOT NULL,
    views bigint NOT NULL,
    likes bigint NOT NULL,
    comments bigint NOT NULL,
    engagement bigint NOT NULL,
    engagement_rate double precision,
    duration_seconds integer,
    is_short smallint NOT NULL,
    video_class text NOT NULL,
    views_per_day double precision,
    thumbnail_url text,
    publish_time timestamp NOT NULL,
    publish_date date NOT NULL,
    first_scraped_at timestamp NOT NULL,
    last_scraped_at timestamp NOT NULL,
    scrape_count numeric(20,0) NOT NULL,
    CONSTRAINT youtube_video_pkey PRIMARY KEY (video_id)
);
CREATE INDEX youtube_video_channel_id_idx ON public.youtube_video (channel_id);
