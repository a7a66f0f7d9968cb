"""The demo's DAG runs on Airflow's real scheduler, through the REST API.

Airflow (`stir stack airflow start`: scheduler, DAG processor, API server, LocalExecutor) runs
with the job scheduler off (AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE=False): unpausing a DAG starts
no cron run, and the Asset events a tier run emits queue no sync run, so the demo's explicit
triggers are the only runs and they follow the demo's dependency order. Each run is triggered,
waited for, and its duration read back from the API; a failed run names its DAG, failing task
and log path.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# Passed to `stir stack airflow start`: the demo decides what runs when.
SCHEDULER_ENV = {"AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False"}


@dataclass
class RunResult:
    dag_id: str
    run_id: str
    state: str
    duration_s: float | None
    failed_task: str | None = None
    log_path: Path | None = None
    log_tail: str = ""


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def run_duration(run: dict) -> float | None:
    """The DAG run's duration from the API record (its `duration`, else end - start)."""
    if run.get("duration") is not None:
        return float(run["duration"])
    start, end = _ts(run.get("start_date")), _ts(run.get("end_date"))
    return (end - start).total_seconds() if start and end else None


def airflow_log_path(logs_root: Path, ti: dict) -> Path:
    """Where the task's log lies under Airflow's base log folder (its default filename template)."""
    mapped = f"map_index={ti['map_index']}/" if ti.get("map_index", -1) >= 0 else ""
    return (logs_root / f"dag_id={ti['dag_id']}" / f"run_id={ti['dag_run_id']}" / f"task_id={ti['task_id']}"
            / f"{mapped}attempt={max(ti.get('try_number') or 1, 1)}.log")


def trigger_and_wait(api, dag_id: str, logs_root: Path, timeout: float = 1800) -> RunResult:
    """Unpause (no cron run starts: the job scheduler is off), trigger, wait; on failure, find the task."""
    api.wait_for_dag(dag_id)
    api.set_paused(dag_id, False)
    run_id = api.trigger(dag_id)
    run = api.wait(dag_id, run_id, timeout=timeout, interval=1.0)
    result = RunResult(dag_id, run_id, run["state"], run_duration(run))
    if run["state"] != "success":
        failed = [ti for ti in api.task_instances(dag_id, run_id)
                  if ti.get("state") in ("failed", "upstream_failed")]
        # The root cause first: a failed task rather than one that only had a failed upstream.
        failed.sort(key=lambda ti: ti.get("state") != "failed")
        if failed:
            ti = {**failed[0], "dag_id": dag_id, "dag_run_id": run_id}
            result.failed_task = ti["task_id"]
            result.log_path = airflow_log_path(logs_root, ti)
            try:
                log = api.task_log(dag_id, run_id, ti["task_id"], max(ti.get("try_number") or 1, 1),
                                   ti.get("map_index", -1))
                result.log_tail = "\n".join(log.splitlines()[-40:])
            except Exception as exc:  # noqa: BLE001 - the report names the log path anyway
                result.log_tail = f"(log not readable through the API: {exc})"
    return result


def run_in_order(api, dag_ids, logs_root: Path, on_done=None) -> list[RunResult]:
    """Each DAG in turn, the next only after the previous one succeeded; stops at the first failure."""
    results = []
    for dag_id in dag_ids:
        started = time.monotonic()
        result = trigger_and_wait(api, dag_id, logs_root)
        results.append(result)
        if on_done:
            on_done(result, time.monotonic() - started)
        if result.state != "success":
            break
    return results
