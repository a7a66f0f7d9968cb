{#- Story reach of Instagram collection posts: an estimate exactly when followers and ER
    are usable (positive, finite), never negative; YouTube items have none. The formula
    itself is checked against hand-computed values in tests/dbt/test_story_reach_formula.py
    (a copy of it here could not catch a wrong formula). Fails with every violating post. -#}
select collection_id, post_short_code, platform, profile_follower, profile_er, story_reach_estimate
from {{ ref('mart_collection_post') }}
where
    story_reach_estimate < 0
    or (platform = 'INSTAGRAM'
        and (story_reach_estimate is not null)
        != ifNull(profile_follower > 0 and profile_er > 0 and isFinite(profile_er), false))
    or (platform != 'INSTAGRAM' and story_reach_estimate is not null)
