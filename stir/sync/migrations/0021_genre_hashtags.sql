-- dbt.mart_genre_hashtags -> public.genre_hashtags (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.genre_hashtags (
    category text NOT NULL,
    hashtag text NOT NULL,
    posts numeric(20,0) NOT NULL,
    creators numeric(20,0) NOT NULL,
    avg_likes double precision NOT NULL,
    avg_comments double precision NOT NULL,
    avg_engagement_rate double precision,
    instagram_posts_count bigint,
    hashtag_rank numeric(20,0) NOT NULL,
    CONSTRAINT genre_hashtags_pkey PRIMARY KEY (category, hashtag)
);
