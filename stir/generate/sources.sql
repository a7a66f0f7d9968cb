-- Raw source tables Stir's dbt project reads (the contract between the synthetic
-- generator, a real beat/coffee replica, and gcc_social/models/staging).
--
-- beat   : the scraper's database replica (Instagram, YouTube, scrape logs)
-- coffee : the SaaS application's database replica (brands, collections, campaigns, orders)
-- vidooly: third-party YouTube estimates
-- _e     : event stream tables written by services (scrape requests sent)
--
-- Source tables are plain MergeTree on purpose: like a real replica they hold
-- duplicates, re-scrapes and late rows, and staging models deduplicate.

CREATE DATABASE IF NOT EXISTS beat;
CREATE DATABASE IF NOT EXISTS coffee;
CREATE DATABASE IF NOT EXISTS vidooly;
CREATE DATABASE IF NOT EXISTS _e;
CREATE DATABASE IF NOT EXISTS dbt;

-- ---------------------------------------------------------------- beat: Instagram

-- One row per scrape of a profile (a profile is scraped many times, latest wins).
CREATE TABLE IF NOT EXISTS beat.instagram_account
(
    id              UInt64,                 -- beat row id
    profile_id      String,                 -- Instagram numeric id ("ig_id")
    handle          String,                 -- username, may arrive with '@' or mixed case
    full_name       Nullable(String),
    biography       Nullable(String),
    category        Nullable(String),       -- e.g. 'Fashion', 'Food', 'Tech'
    country         Nullable(String),       -- ISO-3166 alpha-2
    city            Nullable(String),       -- 'Mumbai, Maharashtra'
    language        Nullable(String),       -- ISO-639-1
    gender          Nullable(String),       -- 'MALE' | 'FEMALE' | NULL
    account_type    Nullable(String),       -- 'PERSONAL' | 'CREATOR' | 'BUSINESS'
    followers       Nullable(Int64),
    following       Nullable(Int64),
    media_count     Nullable(Int64),
    is_verified     UInt8,
    is_private      UInt8,
    profile_pic_url Nullable(String),
    external_url    Nullable(String),
    created_at      DateTime,
    updated_at      DateTime
)
ENGINE = MergeTree
ORDER BY (profile_id, updated_at);

-- One row per scrape of a post (posts are re-scraped as likes grow, latest wins).
CREATE TABLE IF NOT EXISTS beat.instagram_post
(
    id               UInt64,
    shortcode        String,
    profile_id       String,
    post_type        LowCardinality(String), -- 'reels' | 'image' | 'carousel' | 'story'
    caption          Nullable(String),
    hashtags         Array(String),          -- as written, mixed case
    mentions         Array(String),
    likes            Nullable(Int64),
    comments         Nullable(Int64),
    views            Nullable(Int64),        -- video views (image posts: NULL)
    plays            Nullable(Int64),        -- reel plays (non-reels: NULL)
    reach            Nullable(Int64),        -- from insights, creators who connected only
    impressions      Nullable(Int64),
    saves            Nullable(Int64),
    shares           Nullable(Int64),
    profile_follower Nullable(Int64),        -- followers at scrape time
    profile_er       Nullable(Float64),      -- profile engagement rate (%) at scrape time
    thumbnail_url    Nullable(String),
    is_sponsored     UInt8,
    publish_time     DateTime,
    created_at       DateTime,
    updated_at       DateTime
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(publish_time)
ORDER BY (profile_id, shortcode, updated_at);

-- Follower snapshots, roughly weekly with gaps, duplicates and late rows happen.
CREATE TABLE IF NOT EXISTS beat.instagram_account_time_series
(
    profile_id  String,
    date        Date,
    followers   Int64,
    following   Int64,
    media_count Int64,
    created_at  DateTime                    -- when beat wrote the row (late rows: days after date)
)
ENGINE = MergeTree
ORDER BY (profile_id, date);

-- Daily account insights for creators who connected their account.
CREATE TABLE IF NOT EXISTS beat.instagram_profile_insights
(
    profile_id        String,
    date              Date,
    reach             Nullable(Int64),
    impressions       Nullable(Int64),
    profile_views     Nullable(Int64),
    website_clicks    Nullable(Int64),
    reels_reach       Nullable(Int64),
    image_reach       Nullable(Int64),
    story_reach       Nullable(Int64),
    reels_impressions Nullable(Int64),
    image_impressions Nullable(Int64),
    updated_at        DateTime
)
ENGINE = MergeTree
ORDER BY (profile_id, date, updated_at);

-- Audience demographics as distributions: one row per (profile, dimension, key).
CREATE TABLE IF NOT EXISTS beat.instagram_audience
(
    profile_id String,
    dimension  LowCardinality(String),       -- 'gender' | 'age' | 'country' | 'city' | 'language'
    key        String,                       -- 'FEMALE', '18-24', 'IN', 'Mumbai', 'hi'
    share      Float64,                      -- fraction 0..1 of the audience
    updated_at DateTime
)
ENGINE = MergeTree
ORDER BY (profile_id, dimension, key, updated_at);

-- Audience quality scores from follower sampling.
CREATE TABLE IF NOT EXISTS beat.instagram_audience_quality
(
    profile_id            String,
    audience_reachability Nullable(Float64), -- % of followers following < 1500 accounts
    audience_authenticity Nullable(Float64), -- % of followers judged real
    notable_followers     Nullable(Int64),
    updated_at            DateTime
)
ENGINE = MergeTree
ORDER BY (profile_id, updated_at);

-- Hashtags beat tracks (post counts scraped from the hashtag page).
CREATE TABLE IF NOT EXISTS beat.instagram_hashtag
(
    hashtag     String,                      -- may arrive with '#' and mixed case
    posts_count Nullable(Int64),
    updated_at  DateTime
)
ENGINE = MergeTree
ORDER BY (hashtag, updated_at);

-- ---------------------------------------------------------------- beat: YouTube

CREATE TABLE IF NOT EXISTS beat.youtube_channel
(
    id           UInt64,
    channel_id   String,                     -- 'UC' + 22 chars
    title        Nullable(String),
    handle       Nullable(String),           -- '@handle'
    description  Nullable(String),
    category     Nullable(String),
    country      Nullable(String),
    language     Nullable(String),
    subscribers  Nullable(Int64),
    views        Nullable(Int64),            -- lifetime channel views
    video_count  Nullable(Int64),
    thumbnail_url Nullable(String),
    published_at Nullable(DateTime),
    created_at   DateTime,
    updated_at   DateTime
)
ENGINE = MergeTree
ORDER BY (channel_id, updated_at);

CREATE TABLE IF NOT EXISTS beat.youtube_video
(
    id               UInt64,
    video_id         String,
    channel_id       String,
    title            Nullable(String),
    tags             Array(String),
    views            Nullable(Int64),
    likes            Nullable(Int64),
    comments         Nullable(Int64),
    duration_seconds Nullable(Int32),
    is_short         UInt8,
    thumbnail_url    Nullable(String),
    publish_time     DateTime,
    created_at       DateTime,
    updated_at       DateTime
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(publish_time)
ORDER BY (channel_id, video_id, updated_at);

CREATE TABLE IF NOT EXISTS beat.youtube_channel_time_series
(
    channel_id  String,
    date        Date,
    subscribers Int64,
    views       Int64,
    video_count Int64,
    created_at  DateTime
)
ENGINE = MergeTree
ORDER BY (channel_id, date);

CREATE TABLE IF NOT EXISTS beat.youtube_audience
(
    channel_id String,
    dimension  LowCardinality(String),       -- 'gender' | 'age' | 'country'
    key        String,
    share      Float64,
    updated_at DateTime
)
ENGINE = MergeTree
ORDER BY (channel_id, dimension, key, updated_at);

-- ---------------------------------------------------------------- beat: operations

-- Every scrape request beat processed and its outcome.
CREATE TABLE IF NOT EXISTS beat.scrape_request_log
(
    id         UInt64,
    flow       LowCardinality(String),       -- 'refresh_post_by_shortcode' | 'refresh_profile_by_handle' | 'refresh_yt_channel' ...
    platform   LowCardinality(String),       -- 'INSTAGRAM' | 'YOUTUBE'
    params     String,                       -- JSON, e.g. {"shortcode": "Cx1..."}
    status     LowCardinality(String),       -- 'PENDING' | 'PROCESSING' | 'COMPLETE' | 'FAILED'
    error      Nullable(String),
    priority   Int32,
    created_at DateTime,
    updated_at DateTime
)
ENGINE = MergeTree
ORDER BY (flow, created_at, id);

-- Instagram <-> YouTube links found in bios / by the ops team.
CREATE TABLE IF NOT EXISTS beat.profile_link
(
    handle     String,                       -- Instagram handle
    profile_id String,                       -- Instagram profile id
    channel_id Nullable(String),             -- YouTube channel id, NULL when not linked
    category   Nullable(String),
    source     LowCardinality(String),       -- 'BIO' | 'MANUAL' | 'YT_ABOUT'
    updated_at DateTime
)
ENGINE = MergeTree
ORDER BY (handle, updated_at);

-- ---------------------------------------------------------------- vidooly

CREATE TABLE IF NOT EXISTS vidooly.youtube_channel_stats
(
    channel_id              String,
    month                   Date,            -- first day of month
    est_monthly_views       Nullable(Int64),
    est_monthly_earning_low Nullable(Float64),
    est_monthly_earning_high Nullable(Float64),
    subscriber_rank         Nullable(Int64),
    updated_at              DateTime
)
ENGINE = MergeTree
ORDER BY (channel_id, month, updated_at);

-- ---------------------------------------------------------------- _e (events)

-- Written by the scrape API for every request it receives (the 12 h exclusion reads it).
CREATE TABLE IF NOT EXISTS _e.scrape_request_log_events
(
    event_id        UUID,
    flow            LowCardinality(String),
    platform        LowCardinality(String),
    params          String,                  -- JSON
    source          LowCardinality(String),  -- which DAG / service asked
    event_timestamp DateTime64(3)
)
ENGINE = MergeTree
ORDER BY (flow, event_timestamp);

-- ---------------------------------------------------------------- coffee (SaaS)

CREATE TABLE IF NOT EXISTS coffee.brand
(
    id         UInt64,
    name       String,
    industry   Nullable(String),
    country    Nullable(String),
    plan       LowCardinality(String),       -- 'FREE' | 'STARTER' | 'PRO' | 'ENTERPRISE'
    created_at DateTime,
    updated_at DateTime,
    deleted    UInt8
)
ENGINE = MergeTree
ORDER BY (id, updated_at);

CREATE TABLE IF NOT EXISTS coffee.user
(
    id            UInt64,
    brand_id      UInt64,
    role          LowCardinality(String),    -- 'OWNER' | 'ADMIN' | 'MEMBER'
    email_domain  Nullable(String),
    created_at    DateTime,
    last_login_at Nullable(DateTime),
    updated_at    DateTime,
    deleted       UInt8
)
ENGINE = MergeTree
ORDER BY (id, updated_at);

CREATE TABLE IF NOT EXISTS coffee.collection
(
    id          UInt64,
    brand_id    UInt64,
    name        String,
    type        LowCardinality(String),      -- 'POST' | 'PROFILE'
    campaign_id Nullable(UInt64),
    created_by  UInt64,
    created_at  DateTime,
    updated_at  DateTime,
    deleted     UInt8
)
ENGINE = MergeTree
ORDER BY (id, updated_at);

-- Posts (Instagram shortcodes, YouTube video ids) brands put into POST collections.
CREATE TABLE IF NOT EXISTS coffee.post_collection_item
(
    id            UInt64,
    collection_id UInt64,
    platform      LowCardinality(String),    -- 'INSTAGRAM' | 'YOUTUBE'
    short_code    String,                    -- IG shortcode or YT video id, may carry URL junk
    post_type     Nullable(String),          -- 'reels' | 'image' | 'carousel' | 'story' | 'video' | 'short'
    post_url      Nullable(String),
    created_at    DateTime,
    updated_at    DateTime,
    deleted       UInt8
)
ENGINE = MergeTree
ORDER BY (collection_id, id, updated_at);

-- Creators brands put into PROFILE collections (shortlists).
CREATE TABLE IF NOT EXISTS coffee.profile_collection_item
(
    id            UInt64,
    collection_id UInt64,
    platform      LowCardinality(String),
    platform_id   String,                    -- IG profile_id or YT channel_id
    created_at    DateTime,
    updated_at    DateTime,
    deleted       UInt8
)
ENGINE = MergeTree
ORDER BY (collection_id, id, updated_at);

CREATE TABLE IF NOT EXISTS coffee.campaign
(
    id         UInt64,
    brand_id   UInt64,
    name       String,
    status     LowCardinality(String),       -- 'DRAFT' | 'LIVE' | 'COMPLETED' | 'CANCELLED'
    start_date Date,
    end_date   Nullable(Date),
    budget     Nullable(Float64),
    currency   LowCardinality(String),
    hashtags   Array(String),
    created_at DateTime,
    updated_at DateTime,
    deleted    UInt8
)
ENGINE = MergeTree
ORDER BY (id, updated_at);

-- Creators contracted on a campaign.
CREATE TABLE IF NOT EXISTS coffee.campaign_profile
(
    id          UInt64,
    campaign_id UInt64,
    platform    LowCardinality(String),
    platform_id String,
    fee         Nullable(Float64),
    deliverables Int32,
    status      LowCardinality(String),      -- 'INVITED' | 'ACCEPTED' | 'DELIVERED' | 'PAID' | 'DROPPED'
    created_at  DateTime,
    updated_at  DateTime
)
ENGINE = MergeTree
ORDER BY (campaign_id, id, updated_at);

CREATE TABLE IF NOT EXISTS coffee.order
(
    id         UInt64,
    brand_id   UInt64,
    plan       LowCardinality(String),
    amount     Decimal(12, 2),
    currency   LowCardinality(String),       -- 'INR' | 'USD' | ...
    status     LowCardinality(String),       -- 'CREATED' | 'PAID' | 'FAILED' | 'REFUNDED'
    credits    Int32,                        -- discovery/report credits bought
    created_at DateTime,
    paid_at    Nullable(DateTime),
    updated_at DateTime
)
ENGINE = MergeTree
ORDER BY (id, updated_at);

-- Brand asks for a report (profile, audience, campaign) that needs fresh scrapes.
CREATE TABLE IF NOT EXISTS coffee.data_request
(
    id           UInt64,
    brand_id     UInt64,
    user_id      UInt64,
    request_type LowCardinality(String),     -- 'PROFILE_REPORT' | 'AUDIENCE_REPORT' | 'CAMPAIGN_REPORT'
    platform     LowCardinality(String),
    platform_id  String,
    status       LowCardinality(String),     -- 'PENDING' | 'IN_PROGRESS' | 'COMPLETE' | 'FAILED'
    created_at   DateTime,
    completed_at Nullable(DateTime),
    updated_at   DateTime
)
ENGINE = MergeTree
ORDER BY (id, updated_at);

-- Profiles a brand tracks (refresh_account_tracker_stats keeps them fresh).
CREATE TABLE IF NOT EXISTS coffee.account_tracker
(
    id          UInt64,
    brand_id    UInt64,
    platform    LowCardinality(String),
    platform_id String,
    active      UInt8,
    created_at  DateTime,
    updated_at  DateTime
)
ENGINE = MergeTree
ORDER BY (id, updated_at);

-- Hashtags a brand tracks (track_hashtags).
CREATE TABLE IF NOT EXISTS coffee.hashtag_tracker
(
    id         UInt64,
    brand_id   UInt64,
    hashtag    String,
    active     UInt8,
    created_at DateTime,
    updated_at DateTime
)
ENGINE = MergeTree
ORDER BY (id, updated_at);

-- CRM recommendations: creators suggested to a brand.
CREATE TABLE IF NOT EXISTS coffee.recommendation
(
    id          UInt64,
    brand_id    UInt64,
    platform    LowCardinality(String),
    platform_id String,
    score       Float64,
    reason      Nullable(String),
    created_at  DateTime,
    updated_at  DateTime
)
ENGINE = MergeTree
ORDER BY (id, updated_at);

-- Invitations sent to creators (from recommendations or campaigns).
CREATE TABLE IF NOT EXISTS coffee.invitation
(
    id                UInt64,
    brand_id          UInt64,
    campaign_id       Nullable(UInt64),
    recommendation_id Nullable(UInt64),
    platform          LowCardinality(String),
    platform_id       String,
    status            LowCardinality(String), -- 'QUEUED' | 'SENT' | 'ACCEPTED' | 'DECLINED' | 'EXPIRED'
    sent_at           Nullable(DateTime),
    responded_at      Nullable(DateTime),
    created_at        DateTime,
    updated_at        DateTime
)
ENGINE = MergeTree
ORDER BY (id, updated_at);

-- Product analytics: steps of a brand user's onboarding journey.
CREATE TABLE IF NOT EXISTS coffee.journey_event
(
    id          UInt64,
    user_id     UInt64,
    brand_id    UInt64,
    step        LowCardinality(String),      -- 'SIGNUP' | 'FIRST_SEARCH' | 'FIRST_COLLECTION' | 'FIRST_CAMPAIGN' | 'FIRST_ORDER'
    occurred_at DateTime,
    created_at  DateTime
)
ENGINE = MergeTree
ORDER BY (user_id, occurred_at, id);

-- Proof that a campaign deliverable went live (screenshot / media URL to verify).
CREATE TABLE IF NOT EXISTS coffee.content_verification
(
    id          UInt64,
    campaign_id UInt64,
    platform    LowCardinality(String),
    platform_id String,
    short_code  Nullable(String),
    proof_url   String,
    status      LowCardinality(String),      -- 'SUBMITTED' | 'VERIFIED' | 'REJECTED'
    submitted_at DateTime,
    updated_at  DateTime
)
ENGINE = MergeTree
ORDER BY (id, updated_at);
