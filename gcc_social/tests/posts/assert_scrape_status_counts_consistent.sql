-- Failures and successes are subsets of the attempts, and the persistent-failure flag
-- follows the refresh DAG's rule (2+ failures, no success in the last month).
select shortcode, attempts_last_month, failures_last_month, completes_last_month, is_persistent_failure
from {{ ref('mart_post_scrape_status') }}
where failures_last_month + completes_last_month > attempts_last_month
   or is_persistent_failure != toUInt8(failures_last_month > 1 and completes_last_month = 0)
