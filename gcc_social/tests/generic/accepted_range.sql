{#- Fails with every row whose value lies outside [min_value, max_value] (NULLs pass). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and (
      {%- if min_value is not none %} {{ column_name }} < {{ min_value }}{% else %} 0{% endif %}
      or
      {%- if max_value is not none %} {{ column_name }} > {{ max_value }}{% else %} 0{% endif %}
  )
{% endtest %}
