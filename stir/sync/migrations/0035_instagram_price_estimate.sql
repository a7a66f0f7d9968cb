-- dbt.mart_instagram_price_estimate -> public.instagram_price_estimate (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.instagram_price_estimate (
    profile_id text NOT NULL,
    handle text NOT NULL,
    follower_group text NOT NULL,
    category text,
    followers bigint NOT NULL,
    engagement_rate double precision,
    reach_source text NOT NULL,
    expected_reel_reach bigint NOT NULL,
    expected_image_reach bigint NOT NULL,
    expected_story_reach bigint NOT NULL,
    quality_multiplier double precision NOT NULL,
    reel_price double precision NOT NULL,
    reel_price_low double precision NOT NULL,
    reel_price_high double precision NOT NULL,
    image_price double precision NOT NULL,
    image_price_low double precision NOT NULL,
    image_price_high double precision NOT NULL,
    story_price double precision NOT NULL,
    story_price_low double precision NOT NULL,
    story_price_high double precision NOT NULL,
    currency text NOT NULL,
    CONSTRAINT instagram_price_estimate_pkey PRIMARY KEY (profile_id)
);
CREATE INDEX instagram_price_estimate_handle_idx ON public.instagram_price_estimate (handle);
