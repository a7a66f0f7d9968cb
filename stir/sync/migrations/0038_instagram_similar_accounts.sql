-- dbt.mart_instagram_similar_accounts -> public.instagram_similar_accounts (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.instagram_similar_accounts (
    profile_id text NOT NULL,
    similar_profile_id text NOT NULL,
    similar_handle text NOT NULL,
    similar_followers bigint NOT NULL,
    category text,
    language text,
    distance double precision NOT NULL,
    similarity_score double precision NOT NULL,
    similarity_rank numeric(20,0) NOT NULL,
    CONSTRAINT instagram_similar_accounts_pkey PRIMARY KEY (profile_id, similar_profile_id)
);
