-- dbt.mart_genre_youtube_overview -> public.genre_youtube_overview (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.genre_youtube_overview (
    category text NOT NULL,
    channels numeric(20,0) NOT NULL,
    total_subscribers bigint NOT NULL,
    avg_subscribers double precision NOT NULL,
    median_subscribers double precision NOT NULL,
    avg_views_per_video double precision,
    median_views_per_video double precision,
    avg_engagement_rate double precision,
    shorts_share double precision,
    avg_duration_seconds double precision,
    avg_videos_per_week double precision,
    subscribers_growth30d bigint NOT NULL,
    top_channel_id text NOT NULL,
    top_channel_title text,
    CONSTRAINT genre_youtube_overview_pkey PRIMARY KEY (category)
);
