-- A lookalike is never the profile itself and always shares its category and language.
select s.profile_id as profile_id, s.similar_profile_id as similar_profile_id
from {{ ref('mart_instagram_similar_accounts') }} s
inner join {{ ref('mart_instagram_account') }} a on a.profile_id = s.similar_profile_id
where s.similar_profile_id = s.profile_id
   or a.category != s.category
   or a.language != s.language
