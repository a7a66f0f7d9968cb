-- Monthly leaderboards (dbt.mart_leaderboard), replaced daily by sync_leaderboard_prod.
-- Natural key = the mart's grain; no serial id (an owned sequence would stay with the old table).
CREATE TABLE public.leaderboard (
    month                      timestamp        NOT NULL,
    profile_platform           text             NOT NULL,
    platform_id                text             NOT NULL,
    language                   text,
    category                   text,
    platform                   text,
    profile_type               text,
    followers                  bigint,
    engagement_rate            double precision,
    avg_likes                  double precision,
    avg_comments               double precision,
    avg_views                  double precision,
    avg_plays                  double precision,
    followers_change           bigint,
    followers_rank             bigint,
    followers_change_rank      bigint,
    views_rank                 bigint,
    plays_rank                 bigint,
    followers_rank_by_cat      bigint,
    views_rank_by_cat          bigint,
    followers_rank_by_lang     bigint,
    views_rank_by_lang         bigint,
    followers_rank_by_cat_lang bigint,
    views_rank_by_cat_lang     bigint,
    last_month_ranks           jsonb,
    current_month_ranks        jsonb,
    -- filled at load time from instagram_account (enrichment "instagram_account")
    platform_profile_id        bigint,
    audience_gender            text,
    search_phrase              text,
    CONSTRAINT leaderboard_pkey PRIMARY KEY (month, profile_platform, platform_id)
);
-- The app's leaderboard screens: a month and platform, optionally a category and/or language,
-- ordered by a rank; plus a creator's own rows.
CREATE INDEX leaderboard_month_platform_idx ON public.leaderboard (month, platform);
CREATE INDEX leaderboard_month_followers_rank_idx
    ON public.leaderboard (month, profile_platform, followers_rank);
CREATE INDEX leaderboard_month_cat_rank_idx
    ON public.leaderboard (month, profile_platform, category, followers_rank_by_cat);
CREATE INDEX leaderboard_month_lang_rank_idx
    ON public.leaderboard (month, profile_platform, language, followers_rank_by_lang);
CREATE INDEX leaderboard_platform_profile_id_idx ON public.leaderboard (platform_profile_id);
