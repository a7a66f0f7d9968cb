-- dbt.mart_collection_profile -> public.collection_profile (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.collection_profile (
    collection_id numeric(20,0) NOT NULL,
    platform text NOT NULL,
    platform_id text NOT NULL,
    item_id numeric(20,0) NOT NULL,
    collection_name text NOT NULL,
    brand_id numeric(20,0) NOT NULL,
    campaign_id numeric(20,0),
    handle text,
    name text,
    category text,
    country text,
    language text,
    followers bigint,
    following bigint,
    media_count bigint,
    follower_group text,
    engagement_rate double precision,
    posts_90d numeric(20,0),
    avg_likes double precision,
    avg_comments double precision,
    avg_views double precision,
    estimated_story_reach bigint,
    added_at timestamp NOT NULL,
    last_scraped_at timestamp,
    is_scraped smallint NOT NULL,
    CONSTRAINT collection_profile_pkey PRIMARY KEY (collection_id, platform, platform_id)
);
CREATE INDEX collection_profile_platform_id_idx ON public.collection_profile (platform_id);
CREATE INDEX collection_profile_campaign_id_idx ON public.collection_profile (campaign_id);
