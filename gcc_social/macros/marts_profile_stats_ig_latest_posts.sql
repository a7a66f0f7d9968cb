{#- Latest state of every Instagram post, read from mart_instagram_post (the core
    tier keeps it current every 15 minutes) rather than re-aggregating every scrape in
    staging: the profile-stats models used to repeat that argMax over all scrapes, a few
    seconds each at 5M posts. `where` filters posts (e.g. to a set of profiles or a
    publish window). Counters are Int64; views/plays/reach stay NULL where the post type
    has none (an image has no plays).
    `owner_where` filters on profile_id only and goes to PREWHERE, which ClickHouse
    applies before FINAL merges a post's versions: right because every version of a post
    has its owner's profile_id, and the merge then sees only those profiles' posts (a
    partial run's hot profiles or a batch's range, ~40 % faster per read at 1M). -#}
{% macro marts_profile_stats_ig_latest_posts(where=none, owner_where=none) -%}
select
    shortcode,
    profile_id,
    post_type,
    publish_time,
    likes,
    comments,
    views,
    plays,
    reach,
    impressions,
    profile_follower,
    is_sponsored,
    last_scraped_at as last_updated
from {{ ref('mart_instagram_post') }} final
{%- if owner_where %}
prewhere {{ owner_where }}
{%- endif %}
{%- if where %}
where {{ where }}
{%- endif %}
{%- endmacro %}

{#- reels / image / carousel / story; video posts count as reels, anything unknown as
    image (a single static post), so every post lands in exactly one class. -#}
{% macro marts_profile_stats_ig_post_class(post_type) -%}
multiIf(
    lower({{ post_type }}) in ('reels', 'reel', 'video', 'clips', 'igtv'), 'reels',
    lower({{ post_type }}) in ('carousel', 'sidecar', 'album'), 'carousel',
    lower({{ post_type }}) = 'story', 'story',
    'image'
)
{%- endmacro %}
