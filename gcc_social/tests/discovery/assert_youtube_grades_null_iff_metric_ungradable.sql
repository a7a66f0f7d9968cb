-- Same rule as for Instagram, for the YouTube channel grades.
{%- set metrics = discovery_youtube_metrics() %}
{% for metric in metrics %}
select channel_id, '{{ metric }}' AS metric, toString({{ metric }}) AS value, {{ metric }}_grade AS grade
from {{ ref('mart_youtube_account') }}
where ({{ metric }}_grade IS NULL) != (NOT {{ discovery_is_gradable(metric) }})
{{ "union all" if not loop.last }}
{% endfor %}
