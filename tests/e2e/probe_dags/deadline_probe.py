"""A DAG (airflow) the UI test runs on the real scheduler: a 1-minute budget and a task that
outlives 80 % of it, so its DeadlineAlert posts to the stack's Slack sink."""

import time

from airflow.providers.standard.operators.python import PythonOperator

from stir.airflow.factory import stir_dag


def _slow():
    time.sleep(70)


with stir_dag(dag_id="deadline_probe", category="utility", schedule="0 * * * *", timeout_minutes=1,
              doc_md="# deadline_probe\n\nOutlives 80 % of its budget.\n\n## Triage\n\nNothing to do.") as dag:
    PythonOperator(task_id="slow", python_callable=_slow, retries=0)
