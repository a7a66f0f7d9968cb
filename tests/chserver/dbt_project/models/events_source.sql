{{ config(materialized='table', engine='MergeTree()', order_by='(event_id)') }}
-- Stands in for a raw source: a second run shifts the data so the incremental model
-- must merge updates (same keys, later timestamp) and new keys.
select
    number as event_id,
    toDateTime('2024-01-01 00:00:00') + toIntervalHour(number % 48)
        + toIntervalSecond({{ var('shift', 0) }}) as updated_at,
    toUInt64(number * 10 + {{ 1 if var('shift', 0) | int > 0 else 0 }}) as score,
    ['a', 'b', 'c'][(number % 3) + 1] as category
from numbers({{ var('rows', 100) }})
