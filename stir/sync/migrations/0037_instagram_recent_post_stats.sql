-- dbt.mart_instagram_recent_post_stats -> public.instagram_recent_post_stats (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.instagram_recent_post_stats (
    shortcode text NOT NULL,
    profile_id text NOT NULL,
    followers bigint,
    following bigint,
    post_type text NOT NULL,
    post_class text NOT NULL,
    publish_time timestamp NOT NULL,
    likes bigint NOT NULL,
    comments bigint NOT NULL,
    views bigint,
    plays bigint,
    reach bigint,
    impressions bigint,
    engagement bigint NOT NULL,
    er double precision,
    is_sponsored smallint NOT NULL,
    post_rank numeric(20,0) NOT NULL,
    post_rank_by_class numeric(20,0) NOT NULL,
    last_updated timestamp NOT NULL,
    CONSTRAINT instagram_recent_post_stats_pkey PRIMARY KEY (shortcode)
);
CREATE INDEX instagram_recent_post_stats_profile_id_idx ON public.instagram_recent_post_stats (profile_id);
