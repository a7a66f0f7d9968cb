{#- Latest state of every Instagram post: argMax over the scrapes staging keeps.
    `where` filters the scrapes (e.g. to a set of profiles or a publish window) before
    the aggregation. Counters are Int64; views/plays/reach stay NULL where the post type
    has none (an image has no plays). -#}
{% macro marts_profile_stats_ig_latest_posts(where=none) -%}
select
    shortcode,
    argMax(profile_id, updated_at) as profile_id,
    argMax(post_type, updated_at) as post_type,
    argMax(publish_time, updated_at) as publish_time,
    toInt64(ifNull(argMax(likes, updated_at), 0)) as likes,
    toInt64(ifNull(argMax(comments, updated_at), 0)) as comments,
    CAST(argMax(views, updated_at), 'Nullable(Int64)') as views,
    CAST(argMax(plays, updated_at), 'Nullable(Int64)') as plays,
    CAST(argMax(reach, updated_at), 'Nullable(Int64)') as reach,
    CAST(argMax(impressions, updated_at), 'Nullable(Int64)') as impressions,
    CAST(argMax(profile_follower, updated_at), 'Nullable(Int64)') as profile_follower,
    argMax(is_sponsored, updated_at) as is_sponsored,
    max(updated_at) as last_updated
-- filter in a subquery: the aggregates' aliases shadow the column names in this WHERE
from (
    select * from {{ ref('stg_beat_instagram_post') }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
)
group by shortcode
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
