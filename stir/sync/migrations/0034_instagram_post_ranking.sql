-- dbt.mart_instagram_post_ranking -> public.instagram_post_ranking (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.instagram_post_ranking (
    profile_id text NOT NULL,
    post_class text NOT NULL,
    metric text NOT NULL,
    rank numeric(20,0) NOT NULL,
    shortcode text NOT NULL,
    value bigint,
    likes bigint NOT NULL,
    comments bigint NOT NULL,
    views bigint,
    plays bigint,
    er double precision,
    publish_time timestamp NOT NULL,
    last_updated timestamp NOT NULL,
    CONSTRAINT instagram_post_ranking_pkey PRIMARY KEY (profile_id, post_class, metric, rank)
);
CREATE INDEX instagram_post_ranking_shortcode_idx ON public.instagram_post_ranking (shortcode);
