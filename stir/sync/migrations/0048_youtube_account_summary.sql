-- dbt.mart_youtube_account_summary -> public.youtube_account_summary (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.youtube_account_summary (
    channel_id text NOT NULL,
    subscribers bigint,
    video_count bigint NOT NULL,
    shorts_count bigint NOT NULL,
    long_form_count bigint NOT NULL,
    avg_views double precision,
    avg_likes double precision,
    avg_comments double precision,
    avg_short_views double precision,
    avg_long_form_views double precision,
    engagement_rate double precision,
    views_to_subscribers double precision,
    shorts_share double precision,
    top_video_by_views text,
    top_short_by_views text,
    last_upload_time timestamp NOT NULL,
    last_updated timestamp NOT NULL,
    CONSTRAINT youtube_account_summary_pkey PRIMARY KEY (channel_id)
);
