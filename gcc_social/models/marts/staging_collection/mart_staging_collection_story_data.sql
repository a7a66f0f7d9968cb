{{ config(materialized='table', tags=['staging_collections'], order_by='shortcode') }}

{#- The story-reach inputs per collected post, as in the original: the creator's
    followers and engagement rate from the latest scrape that carried them
    (argMax skips NULLs, so a re-scrape that lost the profile numbers does not blank the
    estimate). -#}

select
    shortcode,
    argMax(profile_id, updated_at) as profile_id,
    CAST(argMax(profile_follower, updated_at), 'Nullable(Int64)') as profile_follower,
    CAST(argMax(profile_er, updated_at), 'Nullable(Float64)') as profile_er,
    max(updated_at) as last_scraped_at,
    toUInt64(uniqExact(updated_at)) as scrape_count
from {{ ref('stg_beat_instagram_post') }} /* dedup: argMax/max/uniqExact over updated_at per shortcode */
where
    shortcode in (
        select short_code from {{ ref('mart_staging_collection_post_items') }} where platform = 'INSTAGRAM'
    )
group by shortcode
