"""# dbt_weekly

Weekly growth aggregates. `dbt run --select tag:weekly` excluding tag:deprecated, tag:post_ranker, tag:core.

Schedule `0 6 */7 * *` UTC, dagrun timeout 360 min, one run at a time.

## Triage

Impact: Weekly growth aggregates stay a week old.

1. Open the failed task's log: dbt prints the failing model and the ClickHouse error.
2. ClickHouse down/unreachable (connection refused, timeouts): fix the server; the next run catches up (catchup is off, runs do not pile up).
3. A model's SQL fails: fix it, or tag it `deprecated` to drop it from every tier until fixed.
4. dagrun_timeout hit: look for the slowest model in the log; do not re-run during the 19:00-22:00 batch.
5. Re-run with *Clear* on the task once fixed.
"""

# The DAG processor imports the airflow.* modules a DAG file names into its parent process
# (parsing_pre_import_modules), so each parse of this file doesn't pay for them again.
import airflow.providers.standard.operators.python  # noqa: F401

from stir.airflow.dbt import dbt_tier_dag

dag = dbt_tier_dag(
    tier="weekly",
    dag_id="dbt_weekly",
    schedule="0 6 */7 * *",
    timeout_minutes=360,
    doc_md=__doc__,
)
