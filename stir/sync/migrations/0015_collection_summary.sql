-- dbt.mart_collection_summary -> public.collection_summary (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.collection_summary (
    collection_id numeric(20,0) NOT NULL,
    collection_name text NOT NULL,
    brand_id numeric(20,0) NOT NULL,
    campaign_id numeric(20,0),
    posts numeric(20,0) NOT NULL,
    scraped_posts numeric(20,0) NOT NULL,
    pending_posts bigint NOT NULL,
    instagram_posts numeric(20,0) NOT NULL,
    youtube_posts numeric(20,0) NOT NULL,
    story_posts numeric(20,0) NOT NULL,
    creators numeric(20,0) NOT NULL,
    likes bigint NOT NULL,
    comments bigint NOT NULL,
    views bigint NOT NULL,
    plays bigint NOT NULL,
    engagement bigint NOT NULL,
    estimated_reach bigint NOT NULL,
    story_reach_estimate bigint NOT NULL,
    avg_er double precision,
    engagement_rate double precision,
    first_post_at timestamp,
    last_post_at timestamp,
    last_scraped_at timestamp,
    created_at timestamp NOT NULL,
    CONSTRAINT collection_summary_pkey PRIMARY KEY (collection_id)
);
CREATE INDEX collection_summary_campaign_id_idx ON public.collection_summary (campaign_id);
CREATE INDEX collection_summary_brand_id_idx ON public.collection_summary (brand_id);
