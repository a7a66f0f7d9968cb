"""`airflow standalone` on the embedded stack (what `make airflow` starts): the API server lists all
76 DAGs and no import errors once the DAG processor has parsed the folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from stir import config

EXPECTED_DAGS = 76
DAGS_DIR = str(config.DAGS_DIR) + "/"
READY_TIMEOUT = float(os.environ.get("STIR_E2E_STANDALONE_TIMEOUT", "300"))


def _get(url: str, token: str | None = None) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _stop_group(proc: subprocess.Popen) -> None:
    """standalone forks the API server, scheduler, DAG processor and triggerer into its session."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def test_standalone_serves_every_dag_without_import_errors(e2e_stack, tmp_path):
    base = e2e_stack["AIRFLOW__API__BASE_URL"].rstrip("/")
    log_path = Path(e2e_stack["STIR_HOME"]) / "logs" / "airflow-standalone.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "airflow"), "standalone"], env=e2e_stack,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=tmp_path)
    last: dict = {}
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"airflow standalone exited {proc.returncode}:\n{log_path.read_text()[-4000:]}"
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
    finally:
        _stop_group(proc)
