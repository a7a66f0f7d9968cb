-- A grade is NULL exactly when its metric is 0, NULL, NaN or inf; otherwise it is one of
-- the five buckets. Returns one row per (profile, metric) that breaks the rule.
{%- set metrics = discovery_instagram_metrics() %}
{% for metric in metrics %}
select profile_id, '{{ metric }}' AS metric, toString({{ metric }}) AS value, {{ metric }}_grade AS grade
from {{ ref('mart_instagram_account') }}
where ({{ metric }}_grade IS NULL) != (NOT {{ discovery_is_gradable(metric) }})
{{ "union all" if not loop.last }}
{% endfor %}
