"""A DAG (airflow) the lineage test runs: a ShortCircuit gate, then a task with a tier's outlets.

Same shape as a batch-window tier DAG (check_batch_window >> dbt_run) without dbt: conf
{"run": false} skips like the batch window does, {"run": true} succeeds and emits the events.
"""

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.python import ShortCircuitOperator

from stir.airflow.factory import stir_dag
from stir.airflow.lineage import tier_outlets


def _gate(**context):
    return bool((context["dag_run"].conf or {}).get("run", True))


with stir_dag(dag_id="asset_probe", category="utility", schedule="0 * * * *", timeout_minutes=10,
              doc_md="# asset_probe\n\nGate then outlets.\n\n## Triage\n\nNothing to do.") as dag:
    gate = ShortCircuitOperator(task_id="check_batch_window", python_callable=_gate)
    build = EmptyOperator(task_id="dbt_run_hourly", outlets=tier_outlets("hourly"))
    gate >> build
