-- dbt.mart_youtube_account_search -> public.youtube_account_search (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.youtube_account_search (
    channel_id text NOT NULL,
    handle text,
    title text,
    keywords text[] NOT NULL,
    search_phrase text NOT NULL,
    category text,
    country text,
    language text,
    subscriber_group text NOT NULL,
    subscribers bigint NOT NULL,
    engagement_rate double precision,
    subscribers_rank numeric(20,0) NOT NULL,
    CONSTRAINT youtube_account_search_pkey PRIMARY KEY (channel_id)
);
CREATE INDEX youtube_account_search_handle_idx ON public.youtube_account_search (handle);
