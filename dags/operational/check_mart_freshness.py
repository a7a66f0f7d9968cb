"""# check_mart_freshness

Fails when a dbt model's last write is older than its tier allows (2 periods + timeout, + the batch window for tiers that skip it).

Schedule `30 * * * *` UTC, dagrun timeout 20 min, one run at a time.

## Triage

Impact: This IS the alert: the named models' tier DAG has been failing or skipped.

1. Read the exception in the Slack message / task log: checks name the offending rows.
2. A query error means ClickHouse is down or a dbt table it reads is missing (run its tier).
3. Safe to re-run: every task here is idempotent.
"""

# The DAG processor imports the airflow.* modules a DAG file names into its parent process
# (parsing_pre_import_modules), so each parse of this file doesn't pay for them again.
import airflow.providers.standard.operators.python  # noqa: F401

from stir.airflow.ops import ops_dag

dag = ops_dag(
    dag_id="check_mart_freshness",
    schedule="30 * * * *",
    timeout_minutes=20,
    doc_md=__doc__,
    category="operational",
    tasks=["check_mart_freshness"],
)
