{#- Weekly change exists exactly when the previous week in the series is the week right
    before, and then equals the difference; a gap (or the first week) gives NULL. -#}
{%- for model, key, value in [
    ('mart_insta_account_weekly', 'profile_id', 'followers'),
    ('mart_yt_account_weekly', 'channel_id', 'subscribers')] %}
select '{{ model }}' as model, {{ key }} as entity, week
from {{ ref(model) }} final
where if(p_week is null or dateDiff('day', p_week, week) > 7,
         {{ value }}_change is not null or last_week_available = 1,
         {{ value }}_change is null or {{ value }}_change != {{ value }} - {{ value }}_prev
             or last_week_available = 0)
{% if not loop.last %}union all{% endif %}
{%- endfor %}
