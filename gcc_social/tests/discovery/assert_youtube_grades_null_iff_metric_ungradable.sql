-- Same rule as for Instagram, for the YouTube channel grades.
{%- set metrics = discovery_youtube_metrics() %}
{% for metric in metrics %}
select channel_id, '{{ metric }}' as metric, toString({{ metric }}) as value, {{ metric }}_grade as grade
from {{ ref('mart_youtube_account') }}
where ({{ metric }}_grade is NULL) != (not {{ discovery_is_gradable(metric) }})
{{ "union all" if not loop.last }}
{% endfor %}
