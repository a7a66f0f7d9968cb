{#- Story reach of every Instagram collection post uses the pre-2023-11-22 formula
    (log2(er)) exactly when its item was added before the cut-over and log2(er + 2)
    otherwise, clamped at 0, and is NULL exactly when followers or ER are unusable.
    Fails with every post whose estimate differs. -#}
with expected as (
    select
        collection_id,
        post_short_code,
        story_reach_estimate,
        if(
            profile_follower > 0 and profile_er > 0 and isFinite(profile_er),
            toInt64(greatest(0, if(
                item_created_at < toDateTime('2023-11-22 00:00:00'),
                round((-0.000025017) * profile_follower + (1.11 * (profile_follower * abs(log2(profile_er)) * 2 / 100))),
                round((-0.000025017) * profile_follower + (1.11 * (profile_follower * abs(log2((profile_er + 2))) * 2 / 100)))
            ))),
            NULL
        ) as expected_reach
    from {{ ref('mart_collection_post') }}
    where platform = 'INSTAGRAM'
)
select *
from expected
where not (story_reach_estimate <=> expected_reach)
