"""# verify_pg_sync_counts

Reconciles every (mart, table) pair in this catalogue: the PostgreSQL table must exist and hold >= 50 % of its mart's rows.

Schedule `0 4 * * *` UTC, dagrun timeout 60 min, one run at a time.

## Triage

Impact: A sync is silently failing or its table is missing; the message names the tables.

1. Read the exception in the Slack message / task log: checks name the offending rows.
2. A query error means ClickHouse is down or a dbt table it reads is missing (run its tier).
3. Safe to re-run: every task here is idempotent.
"""

# The DAG processor imports the airflow.* modules a DAG file names into its parent process
# (parsing_pre_import_modules), so each parse of this file doesn't pay for them again.
import airflow.providers.standard.operators.python  # noqa: F401

from stir.airflow.ops import ops_dag

dag = ops_dag(
    dag_id="verify_pg_sync_counts",
    schedule="0 4 * * *",
    timeout_minutes=60,
    doc_md=__doc__,
    category="operational",
    tasks=["verify_pg_sync_counts"],
)
