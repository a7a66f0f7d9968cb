"""Airflow on the embedded stack: `airflow standalone` (API server, scheduler, DAG processor,
triggerer, LocalExecutor) as one tracked process group.

`stir stack airflow start` waits for the scheduler's heartbeat; `stop` ends the whole group
and any descendant that left it (LocalExecutor workers, task supervisors and their task
processes), so no orphan keeps the port. Sizing comes from stir.stack.envvars.airflow_sizing.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from stir import config
from stir.stack import process
from stir.stack.envvars import process_env
from stir.stack.layout import Layout

NAME = "airflow"
START_TIMEOUT = float(os.environ.get("STIR_AIRFLOW_START_TIMEOUT", "300"))


def base_url() -> str:
    return f"http://{config.HOST}:{config.PORTS.airflow_api}"


def health() -> dict:
    with urllib.request.urlopen(f"{base_url()}/api/v2/monitor/health", timeout=5) as resp:
        return json.loads(resp.read())


def scheduler_healthy() -> bool:
    try:
        return health().get("scheduler", {}).get("status") == "healthy"
    except (urllib.error.URLError, OSError, ValueError):
        return False


def running(layout: Layout | None = None) -> process.PidRecord | None:
    layout = layout or Layout.current()
    return process.live_record(layout.pid_file(NAME))


def start(layout: Layout | None = None, *, timeout: float = START_TIMEOUT) -> process.PidRecord:
    """Start `airflow standalone` unless it runs; return once the scheduler is healthy."""
    layout = layout or Layout.current()
    layout.ensure()
    record = running(layout)
    if record is None:
        airflow = str(Path(sys.executable).with_name("airflow"))
        record = process.spawn([airflow, "standalone"], log_file=layout.log_file(NAME),
                               env=process_env(dict(os.environ), layout), cwd=layout.airflow_home,
                               port=config.PORTS.airflow_api)
        process.write_pid(layout.pid_file(NAME), record)
    ok = process.wait_until(scheduler_healthy, timeout, alive=lambda: record.process() is not None, interval=1.0)
    if not ok:
        stop(layout)
        raise RuntimeError(f"airflow standalone not healthy within {timeout:.0f} s; "
                           f"log {layout.log_file(NAME)}:\n{process.tail(layout.log_file(NAME))}")
    return record


def stop(layout: Layout | None = None) -> bool:
    """Stop the group and every descendant; True if something was running."""
    layout = layout or Layout.current()
    record = process.read_pid(layout.pid_file(NAME))
    stopped = False
    if record is not None and record.process() is not None:
        stopped = process.stop(record, timeout=30)
    layout.pid_file(NAME).unlink(missing_ok=True)
    return stopped


def leftovers(pid: int) -> list[psutil.Process]:
    """Processes still alive from a group led by pid (for tests and status)."""
    alive = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pid and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
        except (ProcessLookupError, PermissionError, psutil.NoSuchProcess):
            continue
    return alive


def main(action: str) -> int:
    layout = Layout.current()
    if action == "start":
        t0 = time.monotonic()
        record = start(layout)
        print(f"airflow standalone pid {record.pid}: {base_url()} (scheduler healthy in "
              f"{time.monotonic() - t0:.0f} s; log {layout.log_file(NAME)})")
        return 0
    if action == "stop":
        print("airflow stopped" if stop(layout) else "airflow was not running")
        return 0
    record = running(layout)
    if record is None:
        print("airflow: not running")
        return 1
    print(f"airflow: pid {record.pid}, {base_url()}, scheduler {'healthy' if scheduler_healthy() else 'not healthy'}")
    return 0
