-- Percentile cut-offs of every group are non-decreasing (p40 <= p60 <= p75 <= p90), or the
-- grade buckets would overlap.
{%- set metrics = discovery_instagram_metrics() %}
{% for metric in metrics %}
select group_key, '{{ metric }}' as metric
from {{ ref('mart_primary_group_metrics') }}
where not (p40_{{ metric }} <= p60_{{ metric }} and p60_{{ metric }} <= p75_{{ metric }} and p75_{{ metric }} <= p90_{{ metric }})
{{ "union all" if not loop.last }}
{% endfor %}
