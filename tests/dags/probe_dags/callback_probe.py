"""A DAG (airflow) the callback test runs: one task succeeds, the next is refused like a sync guard."""

from airflow.providers.standard.operators.python import PythonOperator

from stir.airflow.factory import stir_dag


class SyncRefused(RuntimeError):
    """Same shape as stir.sync.errors.SyncRefused: the message says why."""


def _refuse():
    raise SyncRefused("leaderboard: new table has 40 rows, 38% of the live 105; pass allow_shrink to override")


def _ok():
    return "fine"


with stir_dag(dag_id="callback_probe", category="utility", schedule="0 * * * *", timeout_minutes=10,
              doc_md="# callback_probe\n\nFails on purpose.\n\n## Triage\n\nNothing to do.") as dag:
    works = PythonOperator(task_id="works", python_callable=_ok, retries=0)
    refuses = PythonOperator(task_id="refuses", python_callable=_refuse, retries=0)
    works >> refuses
