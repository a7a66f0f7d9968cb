{{ config(
    materialized='incremental',
    engine='ReplacingMergeTree(updated_at)',
    order_by='(event_id)',
    unique_key='event_id',
    incremental_strategy='append'
) }}
select event_id, updated_at, score, category
from {{ ref('events_source') }}
{% if is_incremental() %}
where updated_at >= (select max(updated_at) - interval 4 hour from {{ this }})
{% endif %}
