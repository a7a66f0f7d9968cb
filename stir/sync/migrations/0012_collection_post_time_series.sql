-- dbt.mart_collection_post_time_series -> public.collection_post_time_series (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.collection_post_time_series (
    collection_id numeric(20,0) NOT NULL,
    date date NOT NULL,
    likes bigint NOT NULL,
    comments bigint NOT NULL,
    views bigint NOT NULL,
    plays bigint NOT NULL,
    engagement bigint NOT NULL,
    posts_tracked numeric(20,0) NOT NULL,
    likes_gained bigint NOT NULL,
    comments_gained bigint NOT NULL,
    views_gained bigint NOT NULL,
    engagement_gained bigint NOT NULL,
    CONSTRAINT collection_post_time_series_pkey PRIMARY KEY (collection_id, date)
);
