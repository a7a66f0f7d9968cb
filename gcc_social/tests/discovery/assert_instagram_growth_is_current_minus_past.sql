-- Every growth window is current-week followers minus the followers of the window's
-- reference week, and is NULL exactly when there is no reference week.
{% for w in ['7d', '30d', '90d', '1y'] %}
select profile_id, '{{ w }}' as window_label, followers_current_week, followers_{{ w }}_ago, followers_growth{{ w }}
from {{ ref('mart_instagram_account') }}
where (followers_growth{{ w }} is NULL) != (followers_{{ w }}_ago is NULL)
   or ifNull(followers_growth{{ w }} != followers_current_week - followers_{{ w }}_ago, 0)
{{ "union all" if not loop.last }}
{% endfor %}
