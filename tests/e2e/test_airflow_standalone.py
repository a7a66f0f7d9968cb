"""`stir stack airflow start` (`airflow standalone` on the embedded stack): the API server lists
all 78 DAGs and no import errors once the DAG processor has parsed the folder; the LocalExecutor
runs as many workers as the stack's parallelism (the core count), and `stop` leaves no process
of the group behind and the port free."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from stir import config

from .helpers import run_stir

EXPECTED_DAGS = 78
DAGS_DIR = str(config.DAGS_DIR) + "/"
READY_TIMEOUT = float(os.environ.get("STIR_E2E_STANDALONE_TIMEOUT", "300"))


def _get(url: str, token: str | None = None) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _group(pgid: int) -> list[psutil.Process]:
    members = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE:
                members.append(proc)
        except (ProcessLookupError, psutil.NoSuchProcess, PermissionError):
            continue
    return members


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_standalone_serves_every_dag_sized_to_the_machine_and_stops_clean(e2e_stack):
    base = e2e_stack["AIRFLOW__API__BASE_URL"].rstrip("/")
    log_path = Path(e2e_stack["STIR_HOME"]) / "logs" / "airflow.log"
    start = run_stir(e2e_stack, "stack", "airflow", "start", timeout=READY_TIMEOUT + 120)
    pid = json.loads((Path(e2e_stack["STIR_HOME"]) / "run" / "airflow.json").read_text())["pid"]
    last: dict = {}
    try:
        assert start.returncode == 0, start.stdout[-3000:] + start.stderr[-3000:]
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            try:
                # simple_auth_manager_all_admins: a token without credentials (GET /auth/token).
                token = _get(f"{base}/auth/token")["access_token"]
                dags = _get(f"{base}/api/v2/dags?limit=200", token)
                errors = _get(f"{base}/api/v2/importErrors?limit=100", token)
                # The metadata DB is kept across runs: count only DAGs parsed from this checkout's dags/.
                ours = [d for d in dags["dags"] if str(d.get("fileloc", "")).startswith(DAGS_DIR)]
                last = {"dags": len(ours), "errors": errors["import_errors"]}
                if last["dags"] >= EXPECTED_DAGS or last["errors"]:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError, ValueError):
                pass  # API server still starting
            time.sleep(2)
        assert last.get("errors") == [], last
        assert last.get("dags") == EXPECTED_DAGS, f"{last}\n{log_path.read_text()[-4000:]}"
        assert {d["dag_id"] for d in dags["dags"]} >= {"sync_leaderboard_prod", "dbt_core"}

        parallelism = int(e2e_stack["AIRFLOW__CORE__PARALLELISM"])
        assert parallelism == max(2, os.cpu_count() or 2)
        workers = [p for p in _group(pid) if "LocalExecutor" in " ".join(p.cmdline())]
        assert len(workers) == parallelism, [p.cmdline() for p in workers]
    finally:
        stop = run_stir(e2e_stack, "stack", "airflow", "stop", timeout=120)
    assert stop.returncode == 0, stop.stdout + stop.stderr
    left = _group(pid)
    assert left == [], [(p.pid, p.name(), p.status()) for p in left]
    assert not _port_open(int(e2e_stack["STIR_AIRFLOW_PORT"]))
