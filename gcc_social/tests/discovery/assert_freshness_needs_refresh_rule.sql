-- needs_refresh is set exactly for stale profiles with no request in flight that are not
-- persistently failing (the scrape-request DAG trusts this flag blindly).
select profile_id, hours_since_scrape, refresh_interval_hours, open_requests, is_persistent_failure, needs_refresh
from {{ ref('mart_instagram_account_freshness') }}
where needs_refresh != toUInt8(
    hours_since_scrape >= refresh_interval_hours and open_requests = 0 and is_persistent_failure = 0
)
