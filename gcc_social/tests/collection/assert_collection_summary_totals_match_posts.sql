{#- The collection header must add up to its post grid: every total in
    mart_collection_summary equals the sum over the collection's rows in
    mart_collection_post. Fails with each collection and the first total that differs. -#}
with from_posts as (
    select
        collection_id,
        toUInt64(count()) as posts,
        toUInt64(countIf(is_scraped = 1)) as scraped_posts,
        toInt64(COALESCE(sum(likes), 0)) as likes,
        toInt64(COALESCE(sum(comments), 0)) as comments,
        toInt64(COALESCE(sum(views), 0)) as views,
        toInt64(COALESCE(sum(engagement), 0)) as engagement,
        toInt64(COALESCE(sum(estimated_reach), 0)) as estimated_reach
    from {{ ref('mart_collection_post') }}
    group by collection_id
)
select
    s.collection_id as collection_id,
    multiIf(
        s.collection_id not in (select collection_id from from_posts), if(s.posts = 0, 'ok', 'posts without post rows'),
        s.posts != p.posts, 'posts',
        s.scraped_posts != p.scraped_posts, 'scraped_posts',
        s.likes != p.likes, 'likes',
        s.comments != p.comments, 'comments',
        s.views != p.views, 'views',
        s.engagement != p.engagement, 'engagement',
        s.estimated_reach != p.estimated_reach, 'estimated_reach',
        'ok'
    ) as mismatch
from {{ ref('mart_collection_summary') }} as s
left join from_posts as p on s.collection_id = p.collection_id
where mismatch != 'ok'
union all
select
    p.collection_id,
    'collection missing from summary'
from from_posts as p
where p.collection_id not in (select collection_id from {{ ref('mart_collection_summary') }})
