-- dbt.mart_discovery_filters -> public.discovery_filters (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.discovery_filters (
    platform text NOT NULL,
    facet text NOT NULL,
    value text NOT NULL,
    creators numeric(20,0) NOT NULL,
    total_followers bigint NOT NULL,
    share_pct double precision NOT NULL,
    display_order numeric(20,0) NOT NULL,
    CONSTRAINT discovery_filters_pkey PRIMARY KEY (platform, facet, value)
);
