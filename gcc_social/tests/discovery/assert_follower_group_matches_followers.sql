-- The follower bucket shown on a profile (and used for its peer group) must agree with
-- its follower count, on both platforms, and the group key must start with the bucket.
select 'INSTAGRAM' as platform, profile_id as platform_id, followers, follower_group, group_key
from {{ ref('mart_instagram_account') }}
where follower_group != {{ discovery_follower_group('followers') }}
   or not startsWith(group_key, concat(follower_group, '|'))
union all
select 'YOUTUBE' as platform, channel_id as platform_id, subscribers, subscriber_group, group_key
from {{ ref('mart_youtube_account') }}
where subscriber_group != {{ discovery_follower_group('subscribers') }}
   or not startsWith(group_key, concat(subscriber_group, '|'))
