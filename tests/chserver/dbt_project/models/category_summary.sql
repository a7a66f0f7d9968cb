{{ config(materialized='view') }}
select category, count() as events, sum(score) as total_score
from {{ ref('events_latest') }} final
group by category
