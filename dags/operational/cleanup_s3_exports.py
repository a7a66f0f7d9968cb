"""# cleanup_s3_exports

Deletes sync export objects under the export prefix untouched for 7 days (retired or renamed syncs).

Schedule `0 0 * * *` UTC, dagrun timeout 90 min, one run at a time.

## Triage

Impact: S3 keeps stale exports; nothing user-facing.

1. Read the exception in the Slack message / task log: checks name the offending rows.
2. A query error means ClickHouse is down or a dbt table it reads is missing (run its tier).
3. Safe to re-run: every task here is idempotent.
"""

# The DAG processor imports the airflow.* modules a DAG file names into its parent process
# (parsing_pre_import_modules), so each parse of this file doesn't pay for them again.
import airflow.providers.standard.operators.python  # noqa: F401

from stir.airflow.ops import ops_dag

dag = ops_dag(
    dag_id="cleanup_s3_exports",
    schedule="0 0 * * *",
    timeout_minutes=90,
    doc_md=__doc__,
    category="operational",
    tasks=["cleanup_s3_exports"],
)
