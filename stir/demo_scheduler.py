"""`stir demo --scheduler`: the tier and sync DAGs through Airflow's real scheduler.

`stir stack airflow start` (scheduler + LocalExecutor + DAG processor + API server, job
scheduling off so only the demo's runs happen), the UI address first, then each DAG unpaused,
triggered through the REST API and waited for, in the demo's dependency order. A failed run
stops the demo with the DAG, the failing task and its log file. Airflow goes down with the
stack (`stir stack down` stops it first), unless --keep.
"""

from __future__ import annotations

import time
from pathlib import Path

from stir.stack.airflow_api import AirflowApi

SCHEDULER_ENV = {"AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False"}


def start(demo, stir: list[str], env: dict[str, str]) -> AirflowApi:
    demo.run("start Airflow (scheduler, DAG processor, API server)", [*stir, "stack", "airflow", "start"],
             {**env, **SCHEDULER_ENV})
    base = env["AIRFLOW__API__BASE_URL"]
    demo.console.print(f"[bold]Airflow UI: {base}[/] (watch the runs live)", highlight=False)
    return AirflowApi(base)


def run_dag(demo, api: AirflowApi, title: str, dag_id: str, env: dict[str, str]) -> float:
    from stir.demo import StepFailed

    demo.console.print(f"[bold cyan]>>[/] {title}  [dim]REST: trigger {dag_id}[/]", highlight=False)
    started = time.monotonic()
    with demo.console.status(title):
        api.wait_for_dag(dag_id)
        api.set_paused(dag_id, False)
        run_id = api.trigger(dag_id)
        run = api.wait(dag_id, run_id, timeout=3 * 3600)
        api.set_paused(dag_id, True)
    elapsed = time.monotonic() - started
    duration = _seconds(run.get("start_date"), run.get("end_date"))
    if run["state"] != "success":
        failed = [ti for ti in api.task_instances(dag_id, run_id) if ti["state"] in ("failed", "upstream_failed")]
        task = failed[0]["task_id"] if failed else "?"
        log = (Path(env["AIRFLOW_HOME"]) / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task}")
        demo.timings.append((title, elapsed, "failed"))
        demo.console.print(f"   [bold red]FAILED[/] {dag_id}: task {task}; log: {log}", highlight=False)
        raise StepFailed(title)
    demo.timings.append((title, elapsed, f"ok (DAG run {duration:.1f}s)"))
    demo.console.print(f"   [green]ok[/] {elapsed:.1f}s (DAG run {duration:.1f}s per the API)", highlight=False)
    return elapsed


def _seconds(start: str | None, end: str | None) -> float:
    from datetime import datetime

    if not start or not end:
        return 0.0
    return (datetime.fromisoformat(end.replace("Z", "+00:00")) - datetime.fromisoformat(start.replace("Z", "+00:00"))
            ).total_seconds()
