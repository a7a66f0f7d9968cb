-- dbt.mart_campaign_creator_performance -> public.campaign_creator_performance (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.campaign_creator_performance (
    campaign_id numeric(20,0) NOT NULL,
    platform text NOT NULL,
    platform_id text NOT NULL,
    handle text,
    name text,
    followers bigint,
    engagement_rate double precision,
    contract_status text,
    fee double precision,
    deliverables bigint NOT NULL,
    posts numeric(20,0) NOT NULL,
    stories numeric(20,0) NOT NULL,
    delivery_rate double precision,
    likes bigint NOT NULL,
    comments bigint NOT NULL,
    views bigint NOT NULL,
    engagement bigint NOT NULL,
    estimated_reach bigint NOT NULL,
    cpe double precision,
    cpm double precision,
    share_of_engagement double precision,
    engagement_rank numeric(20,0) NOT NULL,
    first_post_at timestamp,
    last_post_at timestamp,
    CONSTRAINT campaign_creator_performance_pkey PRIMARY KEY (campaign_id, platform, platform_id)
);
CREATE INDEX campaign_creator_performance_platform_id_idx ON public.campaign_creator_performance (platform_id);
CREATE INDEX campaign_creator_performance_handle_idx ON public.campaign_creator_performance (handle);
