{{ config(
    materialized='table',
    tags=['hourly'],
    order_by='group_key',
    query_settings={'join_use_nulls': 1},
) }}
{%- set metrics = discovery_youtube_metrics() %}

-- Peer-group cut-offs for YouTube grades: subscriber bucket x category, plus a
-- '<bucket>|ALL' fallback per bucket.
with
{{ discovery_youtube_channel_ctes() }},

membership as (
    select *, group_key as member_of from channel_metrics where group_key not like '%|ALL'
    union all
    select *, concat(subscriber_group, '|ALL') as member_of from channel_metrics
),

aggregated as (
    select
        member_of as group_key,
        any(subscriber_group) as subscriber_group,
        if(endsWith(member_of, '|ALL'), NULL, any(_category)) as category,
        toUInt64(count()) as channels,
        {%- for metric in metrics %}
        {{ discovery_group_percentiles(metric) }}{{ "," if not loop.last }}
        {%- endfor %}
    from membership
    group by member_of
)

select
    group_key,
    subscriber_group,
    category,
    channels,
    {%- for metric in metrics %}
    p40_{{ metric }},
    p60_{{ metric }},
    p75_{{ metric }},
    p90_{{ metric }},
    group_avg_{{ metric }}{{ "," if not loop.last }}
    {%- endfor %}
from aggregated
