-- dbt.mart_youtube_recent_video_stats -> public.youtube_recent_video_stats (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.youtube_recent_video_stats (
    video_id text NOT NULL,
    channel_id text NOT NULL,
    subscribers bigint,
    title text,
    video_class text NOT NULL,
    duration_seconds integer,
    publish_time timestamp NOT NULL,
    views bigint NOT NULL,
    likes bigint NOT NULL,
    comments bigint NOT NULL,
    engagement bigint NOT NULL,
    er double precision,
    video_rank numeric(20,0) NOT NULL,
    video_rank_by_class numeric(20,0) NOT NULL,
    last_updated timestamp NOT NULL,
    CONSTRAINT youtube_recent_video_stats_pkey PRIMARY KEY (video_id)
);
CREATE INDEX youtube_recent_video_stats_channel_id_idx ON public.youtube_recent_video_stats (channel_id);
