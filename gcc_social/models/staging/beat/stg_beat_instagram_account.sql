{{ config(materialized='table', order_by='profile_id', tags=['core']) }}

{#- One row per profile from every scrape of it. Latest known value per column:
    argMax skips NULLs, so a scrape that missed a field does not erase what an earlier
    scrape saw. Aggregates get a __latest suffix because ClickHouse resolves aliases
    before columns, and argMax(x, updated_at) AS updated_at would nest aggregates.
    Ties on updated_at go to the higher id (one packed key, see order_keys.sql). -#}
{%- set latest_columns = [
    'id', 'handle', 'full_name', 'biography', 'category', 'country', 'city', 'language',
    'gender', 'account_type', 'followers', 'following', 'media_count', 'is_verified',
    'is_private', 'profile_pic_url', 'external_url'] %}

with keyed as (
    select
        *,
        {{ ts_then_id('updated_at', 'id') }} as scrape_order
    from {{ source('beat', 'instagram_account') }}
    where profile_id != ''
),

scrapes as (
    select
        profile_id,
        {%- for col in latest_columns %}
        argMax({{ col }}, scrape_order) as {{ col }}__latest,
        {%- endfor %}
        min(created_at) as created_at__first,
        max(updated_at) as updated_at__latest,
        count() as scrape_count
    from keyed
    group by profile_id
)

select
    id__latest as id,
    profile_id,
    {{ clean_handle('handle__latest') }} as handle,
    nullIf(trimBoth(full_name__latest), '') as full_name,
    biography__latest as biography,
    nullIf(trimBoth(category__latest), '') as category,
    upper(nullIf(trimBoth(country__latest), '')) as country,
    nullIf(trimBoth(city__latest), '') as city,
    lower(nullIf(trimBoth(language__latest), '')) as language,
    upper(nullIf(trimBoth(gender__latest), '')) as gender,
    upper(nullIf(trimBoth(account_type__latest), '')) as account_type,
    followers__latest as followers,
    following__latest as following,
    media_count__latest as media_count,
    is_verified__latest as is_verified,
    is_private__latest as is_private,
    profile_pic_url__latest as profile_pic_url,
    {{ clean_url('external_url__latest') }} as external_url,
    created_at__first as created_at,
    updated_at__latest as updated_at,
    scrape_count
from scrapes
