"""A small client for Airflow 3's REST API on the embedded stack (simple auth manager, every
user an admin): unpause, trigger, wait for a DAG run, read its task instances and logs."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

TERMINAL = frozenset({"success", "failed"})


class AirflowApi:
    def __init__(self, base_url: str, timeout: float = 60):
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self._token: str | None = None

    def _request(self, method: str, path: str, body: dict | None = None, accept: str = "application/json"):
        if self._token is None and not path.startswith("/auth/"):
            self._token = self._request("GET", "/auth/token")["access_token"]
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        req = urllib.request.Request(self.base + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
        # Reads are retried: on a loaded 2-core box the API server (which also serves the
        # tasks' execution API) can miss a timeout now and then.
        for attempt in range(4 if method == "GET" else 1):
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    raw = resp.read()
                break
            except urllib.error.HTTPError:
                raise
            except (TimeoutError, urllib.error.URLError, ConnectionError):
                if attempt == 3 or method != "GET":
                    raise
                time.sleep(2 * (attempt + 1))
        return json.loads(raw) if accept == "application/json" else raw.decode(errors="replace")

    def dag(self, dag_id: str) -> dict:
        return self._request("GET", f"/api/v2/dags/{dag_id}")

    def wait_for_dag(self, dag_id: str, timeout: float = 600) -> dict:
        """The DAG once the DAG processor has serialized it (right after start it may not be)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.dag(dag_id)
            except urllib.error.HTTPError as exc:
                if exc.code != 404 or time.monotonic() > deadline:
                    raise
            time.sleep(2)

    def set_paused(self, dag_id: str, paused: bool) -> None:
        self._request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": paused})

    def trigger(self, dag_id: str, conf: dict | None = None) -> str:
        run = self._request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None, "conf": conf or {}})
        return run["dag_run_id"]

    def dag_run(self, dag_id: str, run_id: str) -> dict:
        return self._request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}")

    def dag_runs(self, dag_id: str, limit: int = 50) -> list[dict]:
        """The DAG's latest runs, newest first."""
        return self._request("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit={limit}&order_by=-run_after")["dag_runs"]

    def wait(self, dag_id: str, run_id: str, timeout: float = 1800, interval: float = 1.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            run = self.dag_run(dag_id, run_id)
            if run["state"] in TERMINAL:
                return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"{dag_id} {run_id} still {run['state']} after {timeout:.0f} s")
            time.sleep(interval)

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}/taskInstances?limit=100"
        return self._request("GET", path)["task_instances"]

    def task_log(self, dag_id: str, run_id: str, task_id: str, try_number: int, map_index: int = -1) -> str:
        path = (f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}/taskInstances/"
                f"{task_id}/logs/{try_number}?full_content=true&map_index={map_index}")
        content = self._request("GET", path)["content"]
        lines = []
        for item in content if isinstance(content, list) else [content]:
            if isinstance(item, dict):
                lines.append(f"{item.get('timestamp', '')} {item.get('level', '')} {item.get('event', '')}")
            else:
                lines.append(str(item))
        return "\n".join(lines)
