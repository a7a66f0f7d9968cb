"""# sync_missing_journey

Backfills onboarding journey steps (first collection/campaign/paid order) that coffee never logged into _e.journey_backfill_events, so funnel analytics are complete.

Schedule `0 * * * *` UTC, dagrun timeout 40 min, one run at a time.

## Triage

Impact: Funnel dashboards under-count steps until it succeeds; no user impact.

1. Read the exception in the Slack message / task log: checks name the offending rows.
2. A query error means ClickHouse is down or a dbt table it reads is missing (run its tier).
3. Safe to re-run: every task here is idempotent.
"""

# The DAG processor imports the airflow.* modules a DAG file names into its parent process
# (parsing_pre_import_modules), so each parse of this file doesn't pay for them again.
import airflow.providers.standard.operators.python  # noqa: F401

from stir.airflow.ops import ops_dag

dag = ops_dag(
    dag_id="sync_missing_journey",
    schedule="0 * * * *",
    timeout_minutes=40,
    doc_md=__doc__,
    category="operational",
    tasks=["sync_missing_journey"],
)
