{{ config(materialized='table', order_by='handle', tags=['core']) }}

{#- Latest link per (cleaned) Instagram handle. A later row with channel_id NULL means
    the link was removed, so the whole latest row wins, not the latest non-NULL value. -#}

with cleaned as (
    select
        {{ clean_handle('handle') }} as handle,
        profile_id,
        nullIf(trimBoth(channel_id), '') as channel_id,
        nullIf(trimBoth(category), '') as category,
        upper(source) as source,
        updated_at
    from {{ source('beat', 'profile_link') }}
)

select handle, profile_id, channel_id, category, source, updated_at
from cleaned
where handle != ''
order by handle, updated_at desc
limit 1 by handle
