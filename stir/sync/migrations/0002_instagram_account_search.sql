-- dbt.mart_instagram_account_search -> public.instagram_account_search (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.instagram_account_search (
    profile_id text NOT NULL,
    handle text NOT NULL,
    name text,
    keywords text[] NOT NULL,
    search_phrase text NOT NULL,
    bio_hashtags text[] NOT NULL,
    category text,
    country text,
    city text,
    language text,
    gender text,
    follower_group text NOT NULL,
    followers bigint NOT NULL,
    engagement_rate double precision,
    is_verified smallint NOT NULL,
    followers_rank numeric(20,0) NOT NULL,
    CONSTRAINT instagram_account_search_pkey PRIMARY KEY (profile_id)
);
CREATE INDEX instagram_account_search_handle_idx ON public.instagram_account_search (handle);
