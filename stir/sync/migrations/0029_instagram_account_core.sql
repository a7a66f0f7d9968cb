-- dbt.mart_instagram_account_core -> public.instagram_account_core (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.instagram_account_core (
    profile_id text NOT NULL,
    handle text NOT NULL,
    name text,
    category text,
    country text,
    language text,
    is_verified smallint NOT NULL,
    is_private smallint NOT NULL,
    followers bigint NOT NULL,
    following bigint NOT NULL,
    media_count bigint NOT NULL,
    follower_group text,
    recent_posts numeric(20,0) NOT NULL,
    avg_likes double precision,
    avg_comments double precision,
    avg_reel_plays double precision,
    engagement_rate double precision,
    last_post_at timestamp,
    last_scraped_at timestamp NOT NULL,
    CONSTRAINT instagram_account_core_pkey PRIMARY KEY (profile_id)
);
CREATE INDEX instagram_account_core_handle_idx ON public.instagram_account_core (handle);
