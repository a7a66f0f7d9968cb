{{ config(
    materialized='table',
    tags=['daily'],
    order_by='profile_id',
) }}

-- Brand-safety card: how many of a creator's recent captions/hashtags contain flagged
-- terms, which terms, and how much of their content is sponsored.
{%- set terms_sql = discovery_brand_safety_terms() | tojson | replace('"', "'") %}
with recent_posts as (
    {{ discovery_recent_content(ref('mart_instagram_post'), 'profile_id', days=180, fallback=24) }}
),

tokenised as (
    select
        profile_id,
        is_sponsored,
        -- a substring search rules out most posts before the costly tokenising: a caption
        -- without a term as a substring cannot hold it as a whole token
        if(multiSearchAny(lower(ifNull(caption, '')), {{ terms_sql }}) or hasAny(hashtags, {{ terms_sql }}),
           arrayIntersect(
               arrayConcat(extractAll(lower(ifNull(caption, '')), '[[:alnum:]]+'), hashtags),
               {{ terms_sql }}
           ),
           []) as post_flagged_terms
    from recent_posts
),

per_profile as (
    select
        profile_id,
        toUInt64(count()) as posts_analysed,
        toUInt64(countIf(length(post_flagged_terms) > 0)) as flagged_posts,
        toUInt64(countIf(is_sponsored = 1)) as sponsored_posts,
        arraySort(groupUniqArrayArray(post_flagged_terms)) as flagged_terms
    from tokenised
    group by profile_id
)

select
    a.profile_id as profile_id,
    a.handle as handle,
    p.posts_analysed as posts_analysed,
    p.flagged_posts as flagged_posts,
    round(p.flagged_posts / p.posts_analysed, 4) as flagged_share,
    p.sponsored_posts as sponsored_posts,
    round(p.sponsored_posts / p.posts_analysed, 4) as sponsored_share,
    p.flagged_terms as flagged_terms,
    toUInt8(round(100 * (1 - p.flagged_posts / p.posts_analysed))) as brand_safety_score,
    multiIf(
        p.flagged_posts = 0, 'SAFE',
        p.flagged_posts / p.posts_analysed < 0.05, 'LOW_RISK',
        p.flagged_posts / p.posts_analysed < 0.15, 'MEDIUM_RISK',
        'HIGH_RISK'
    ) as safety_level
from per_profile p
inner join {{ ref('mart_instagram_account') }} a on a.profile_id = p.profile_id
