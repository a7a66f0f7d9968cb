"""A DAG (airflow) the UI test runs on the real scheduler: a 1-minute budget and a task that
outlives 80 % of it, so its DeadlineAlert posts to the stack's Slack sink."""

import time
from datetime import datetime, timedelta, timezone

from airflow.providers.standard.operators.python import PythonOperator

from stir.airflow.factory import stir_dag

BUDGET = timedelta(minutes=1)  # = timeout_minutes below


def _slow(dag_run=None, **_):
    # Run until well past the alert point (80 % of the budget from queued time; a run starts
    # after it is queued), so the scheduler's deadline check fires while the run still goes.
    past_alert = dag_run.start_date + BUDGET * 0.8 + timedelta(seconds=15)
    while datetime.now(timezone.utc) < past_alert:
        time.sleep(1)


with stir_dag(dag_id="deadline_probe", category="utility", schedule="0 * * * *", timeout_minutes=1,
              doc_md="# deadline_probe\n\nOutlives 80 % of its budget.\n\n## Triage\n\nNothing to do.") as dag:
    PythonOperator(task_id="slow", python_callable=_slow, retries=0)
