{#- A campaign's posts and engagement equal the sums over its creators with a known
    author, plus the posts whose author is not known yet (not scraped). Fails with the
    campaigns that do not add up. -#}
with by_creator as (
    select
        campaign_id,
        sum(posts) as posts,
        sum(engagement) as engagement
    from {{ ref('mart_campaign_creator_performance') }}
    group by campaign_id
),
unattributed as (
    select
        campaign_id,
        toUInt64(count()) as posts
    from {{ ref('mart_campaign_post') }}
    where platform_id is NULL
    group by campaign_id
)
select
    s.campaign_id,
    s.posts,
    c.posts as creator_posts,
    u.posts as unattributed_posts,
    s.engagement,
    c.engagement as creator_engagement
from {{ ref('mart_campaign_summary') }} as s
left join by_creator as c on s.campaign_id = c.campaign_id
left join unattributed as u on s.campaign_id = u.campaign_id
where
    s.posts != c.posts + u.posts
    or s.engagement != c.engagement
