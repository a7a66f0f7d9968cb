-- Post engagement is likes + comments and hashtags are stored lower-case.
select shortcode, likes, comments, engagement, hashtags
from {{ ref('mart_instagram_post') }} final
where engagement != likes + comments
   or arrayExists(h -> h != lower(h), hashtags)
