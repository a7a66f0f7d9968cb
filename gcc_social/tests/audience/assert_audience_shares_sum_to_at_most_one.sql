-- Shares of a distribution cannot add up to more than the whole audience (small float
-- slack); an over-full pyramid or map means duplicated buckets.
select platform, platform_id, 'gender_age' as distribution, sum(share) as total_share
from {{ ref('mart_audience_gender_age') }}
group by platform, platform_id
having total_share > 1.0001
union all
select platform, platform_id, concat('geography:', level) as distribution, sum(share) as total_share
from {{ ref('mart_audience_geography') }}
group by platform, platform_id, level
having total_share > 1.0001
