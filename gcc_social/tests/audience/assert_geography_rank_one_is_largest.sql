-- The location ranked 1 of a level holds the largest share of that level.
select platform, platform_id, level
from {{ ref('mart_audience_geography') }}
group by platform, platform_id, level
having maxIf(share, location_rank = 1) != max(share)
