-- dbt.mart_instagram_reach_stats -> public.instagram_reach_stats (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.instagram_reach_stats (
    profile_id text NOT NULL,
    followers bigint,
    reels_reach bigint,
    image_reach bigint,
    story_reach bigint,
    reels_impressions bigint,
    image_impressions bigint,
    reach_source text,
    CONSTRAINT instagram_reach_stats_pkey PRIMARY KEY (profile_id)
);
