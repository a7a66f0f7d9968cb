-- dbt.mart_collection_hashtag_stats -> public.collection_hashtag_stats (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.collection_hashtag_stats (
    collection_id numeric(20,0) NOT NULL,
    hashtag text NOT NULL,
    posts numeric(20,0) NOT NULL,
    creators numeric(20,0) NOT NULL,
    likes bigint NOT NULL,
    comments bigint NOT NULL,
    engagement bigint NOT NULL,
    share_of_posts double precision,
    avg_engagement_per_post double precision,
    hashtag_rank numeric(20,0) NOT NULL,
    first_used_at timestamp NOT NULL,
    last_used_at timestamp NOT NULL,
    CONSTRAINT collection_hashtag_stats_pkey PRIMARY KEY (collection_id, hashtag)
);
