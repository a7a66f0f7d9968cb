-- dbt.mart_linked_socials -> public.linked_socials (columns and types follow the mart; drafted by `stir sync scaffold`, reviewed).
CREATE TABLE public.linked_socials (
    handle text NOT NULL,
    profile_id text NOT NULL,
    channel_id text,
    category text,
    link_source text NOT NULL,
    ig_followers bigint NOT NULL,
    yt_title text,
    yt_subscribers bigint,
    combined_reach bigint NOT NULL,
    is_linked smallint NOT NULL,
    updated_at timestamp NOT NULL,
    CONSTRAINT linked_socials_pkey PRIMARY KEY (handle)
);
CREATE INDEX linked_socials_profile_id_idx ON public.linked_socials (profile_id);
CREATE INDEX linked_socials_channel_id_idx ON public.linked_socials (channel_id);
