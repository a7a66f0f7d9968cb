-- dbt.mart_instagram_brand_safety -> public.instagram_brand_safety (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.instagram_brand_safety (
    profile_id text NOT NULL,
    handle text NOT NULL,
    posts_analysed numeric(20,0) NOT NULL,
    flagged_posts numeric(20,0) NOT NULL,
    flagged_share double precision NOT NULL,
    sponsored_posts numeric(20,0) NOT NULL,
    sponsored_share double precision NOT NULL,
    flagged_terms text[] NOT NULL,
    brand_safety_score smallint NOT NULL,
    safety_level text NOT NULL,
    CONSTRAINT instagram_brand_safety_pkey PRIMARY KEY (profile_id)
);
CREATE INDEX instagram_brand_safety_handle_idx ON public.instagram_brand_safety (handle);
