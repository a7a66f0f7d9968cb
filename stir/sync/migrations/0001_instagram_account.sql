-- The enrichment source for leaderboard (and the app's profile lookups).
-- id is assigned upstream (no owned sequence): the table may itself be swapped by a sync.
CREATE TABLE public.instagram_account (
    id              bigint      NOT NULL,
    ig_id           text        NOT NULL,
    handle          text,
    full_name       text,
    followers       bigint,
    audience_gender text,
    search_phrase   text,
    updated_at      timestamp,
    CONSTRAINT instagram_account_pkey PRIMARY KEY (id),
    -- the leaderboard load joins on ig_id; unique so the join can never multiply rows
    CONSTRAINT instagram_account_ig_id_key UNIQUE (ig_id)
);
CREATE INDEX instagram_account_handle_idx ON public.instagram_account (handle);
