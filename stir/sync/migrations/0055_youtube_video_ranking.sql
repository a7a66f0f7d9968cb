-- dbt.mart_youtube_video_ranking -> public.youtube_video_ranking (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.youtube_video_ranking (
    channel_id text NOT NULL,
    video_class text NOT NULL,
    metric text NOT NULL,
    rank numeric(20,0) NOT NULL,
    video_id text NOT NULL,
    value bigint NOT NULL,
    views bigint NOT NULL,
    likes bigint NOT NULL,
    comments bigint NOT NULL,
    er double precision,
    publish_time timestamp NOT NULL,
    last_updated timestamp NOT NULL,
    CONSTRAINT youtube_video_ranking_pkey PRIMARY KEY (channel_id, video_class, metric, rank)
);
CREATE INDEX youtube_video_ranking_video_id_idx ON public.youtube_video_ranking (video_id);
