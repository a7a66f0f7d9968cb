"""stir_dag(): every Stir DAG's defaults in one place.

The original repeated catchup/max_active_runs/concurrency/callbacks in 76 files; here a DAG
file names only what differs (id, category, schedule, timeout, docs) and the factory
validates it at parse time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from stir.airflow import constants, validate
from stir.airflow.callbacks import deadline_alert, notify_failure


def stir_dag(
    *,
    dag_id: str,
    category: str,
    schedule: str,
    timeout_minutes: int,
    doc_md: str | None,
    extra_tags: Iterable[str] = (),
    params: dict | None = None,
    timetable=None,
):
    """A DAG with the platform's defaults; use it as `with stir_dag(...):` in a DAG file.

    `schedule` is the cron (validated, tagged); `timetable` replaces it as the DAG's schedule
    when given (the sync builder passes its Asset-or-cron schedule built on that cron).
    """
    validate.check_dag_id(dag_id)
    validate.check_category(dag_id, category)
    validate.check_schedule(dag_id, schedule)
    validate.check_timeout(dag_id, timeout_minutes)
    validate.check_doc(dag_id, doc_md)
    tags = [constants.category_tag(category), constants.cadence_tag(schedule), *extra_tags]
    unknown = [t for t in tags if t not in constants.VALID_TAGS]
    if unknown:
        raise validate.DagParameterError(f"{dag_id}: tags {unknown} are not defined in stir/airflow/constants.py")

    from stir.airflow.stirdag import StirDAG

    dag = StirDAG(
        dag_id=dag_id,
        schedule=timetable if timetable is not None else schedule,
        start_date=constants.START_DATE,
        catchup=False,
        max_active_runs=1,
        max_active_tasks=1,
        dagrun_timeout=dt.timedelta(minutes=timeout_minutes),
        default_args={
            "owner": constants.OWNER,
            "retries": constants.RETRIES,
            "retry_delay": constants.RETRY_DELAY,
            # Task-level: the only place the exception is in the context.
            "on_failure_callback": notify_failure,
        },
        # DAG-level: catches what no task reports (dagrun_timeout kills the run).
        on_failure_callback=notify_failure,
        on_success_callback=notify_failure,
        doc_md=doc_md.strip(),
        tags=sorted(set(tags)),
        params=params or {},
        # Slack alert at 80 % of dagrun_timeout (None when STIR_DEADLINE_ALERTS=off).
        deadline=deadline_alert(timeout_minutes),
    )
    # Read by tests and the catalogue check; kept off the serialized DAG on purpose.
    dag.stir_category = category
    dag.stir_timeout_minutes = timeout_minutes
    dag.stir_sync_pairs = []
    dag.stir_upsert_pairs = []
    return dag
