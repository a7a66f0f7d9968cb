-- A grade is NULL exactly when its metric is 0, NULL, NaN or inf; otherwise it is one of
-- the five buckets. Returns one row per (profile, metric) that breaks the rule.
{%- set metrics = discovery_instagram_metrics() %}
{% for metric in metrics %}
select profile_id, '{{ metric }}' as metric, toString({{ metric }}) as value, {{ metric }}_grade as grade
from {{ ref('mart_instagram_account') }}
where ({{ metric }}_grade is NULL) != (not {{ discovery_is_gradable(metric) }})
{{ "union all" if not loop.last }}
{% endfor %}
