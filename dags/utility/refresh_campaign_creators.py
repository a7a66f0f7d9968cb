"""# refresh_campaign_creators

Queues profile scrapes for creators on LIVE campaigns not scraped for 24 h.

Schedule `0 4 * * *` UTC, dagrun timeout 60 min, one run at a time.

## Triage

Impact: the listed items are scraped later; nothing user-facing breaks for an hour or two.

1. ClickHouse query failed: a dbt staging/mart table it reads is missing (run its dbt tier) or ClickHouse is down.
2. "N of M scrape requests failed": beat's scrape API (conn `beat_scrape_api`) is down or rejecting; the message carries the first error. Requests already accepted are not repeated for 12 h.
3. Safe to re-run at any time: items sent in the last window are skipped.
"""

# The DAG processor imports the airflow.* modules a DAG file names into its parent process
# (parsing_pre_import_modules), so each parse of this file doesn't pay for them again.
import airflow.providers.standard.operators.python  # noqa: F401

from stir.airflow.scrape import scrape_dag

dag = scrape_dag(
    dag_id="refresh_campaign_creators",
    schedule="0 4 * * *",
    timeout_minutes=60,
    doc_md=__doc__,
    category="utility",
    specs=["insta_campaign_creators"],
)
