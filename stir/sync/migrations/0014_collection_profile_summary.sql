-- dbt.mart_collection_profile_summary -> public.collection_profile_summary (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.collection_profile_summary (
    collection_id numeric(20,0) NOT NULL,
    collection_name text NOT NULL,
    brand_id numeric(20,0) NOT NULL,
    campaign_id numeric(20,0),
    profiles numeric(20,0) NOT NULL,
    instagram_profiles numeric(20,0) NOT NULL,
    youtube_profiles numeric(20,0) NOT NULL,
    scraped_profiles numeric(20,0) NOT NULL,
    total_followers bigint NOT NULL,
    avg_followers double precision,
    median_followers double precision,
    avg_engagement_rate double precision,
    total_estimated_story_reach bigint NOT NULL,
    follower_groups jsonb NOT NULL,
    categories jsonb NOT NULL,
    last_added_at timestamp,
    created_at timestamp NOT NULL,
    CONSTRAINT collection_profile_summary_pkey PRIMARY KEY (collection_id)
);
CREATE INDEX collection_profile_summary_campaign_id_idx ON public.collection_profile_summary (campaign_id);
CREATE INDEX collection_profile_summary_brand_id_idx ON public.collection_profile_summary (brand_id);
