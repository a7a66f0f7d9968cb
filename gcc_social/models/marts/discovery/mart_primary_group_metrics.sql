{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='group_key',
    query_settings={'join_use_nulls': 1},
) }}
{%- set metrics = discovery_instagram_metrics() %}

-- Peer-group cut-offs the master profile grades against: one row per follower bucket x
-- category (categories with enough profiles) plus a '<bucket>|ALL' fallback per bucket.
with
{{ discovery_instagram_profile_ctes() }},

membership as (
    -- each profile counts in its own category group and in its bucket's ALL group; one pass
    -- over profile_metrics (a UNION ALL of two computed its joins twice, at once: at 1M
    -- creators that went over the 3 GB query cap)
    select
        *,
        arrayJoin(if(
            group_key like '%|ALL',
            [concat(follower_group, '|ALL')],
            [group_key, concat(follower_group, '|ALL')]
        )) as member_of
    from profile_metrics
),

aggregated as (
    select
        member_of as group_key,
        any(follower_group) as follower_group,
        if(endsWith(member_of, '|ALL'), NULL, any(_category)) as category,
        toUInt64(count()) as profiles,
        {%- for metric in metrics %}
        {{ discovery_group_percentiles(metric) }}{{ "," if not loop.last }}
        {%- endfor %}
    from membership
    group by member_of
)

select
    group_key,
    follower_group,
    category,
    profiles,
    {%- for metric in metrics %}
    p40_{{ metric }},
    p60_{{ metric }},
    p75_{{ metric }},
    p90_{{ metric }},
    group_avg_{{ metric }}{{ "," if not loop.last }}
    {%- endfor %}
from aggregated
