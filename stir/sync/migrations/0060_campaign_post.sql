-- dbt.mart_campaign_post -> public.campaign_post (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.campaign_post (
    campaign_id numeric(20,0) NOT NULL,
    shortcode text NOT NULL,
    platform text NOT NULL,
    platform_id text,
    brand_id numeric(20,0) NOT NULL,
    currency text,
    matched_via text NOT NULL,
    matched_hashtags text[] NOT NULL,
    collection_id numeric(20,0),
    post_type text,
    publish_time timestamp,
    likes bigint,
    comments bigint,
    views bigint,
    plays bigint,
    engagement bigint,
    reach bigint,
    story_reach_estimate bigint,
    estimated_reach bigint,
    er double precision,
    creator_fee double precision,
    post_cost double precision,
    cpe double precision,
    cpm double precision,
    last_scraped_at timestamp,
    is_scraped smallint NOT NULL,
    CONSTRAINT campaign_post_pkey PRIMARY KEY (campaign_id, shortcode)
);
CREATE INDEX campaign_post_platform_id_idx ON public.campaign_post (platform_id);
CREATE INDEX campaign_post_collection_id_idx ON public.campaign_post (collection_id);
