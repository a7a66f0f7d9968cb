"""The Airflow UI as a person sees it: headless Chromium against `airflow standalone` on the embedded stack.

One standalone start, one page load per check (Chromium's --dump-dom after the page's own
API calls settle), one screenshot per page into test-artifacts/ui/ (STIR_TEST_ARTIFACTS):
the DAG list shows the 76 DAGs, the Assets page lists the marts, the DAG page of
sync_leaderboard_prod names its mart's Asset, the freshness page lists the served tables and
the dbt docs load. Meanwhile, on the same scheduler, a probe DAG with a 1-minute budget
(tests/e2e/probe_dags, its own bundle) outlives 80 % of it and its deadline alert reaches the
stack's Slack sink. Skipped when no Chromium is installed (.ci/run installs the Debian package).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
from pathlib import Path

import pytest

from stir import config

from .helpers import run_stir
from .test_airflow_standalone import DAGS_DIR, EXPECTED_DAGS, READY_TIMEOUT, _get, _stop_group

PROBES = Path(__file__).parent / "probe_dags"

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
ARTIFACTS = Path(os.environ.get("STIR_TEST_ARTIFACTS", config.REPO_ROOT / "test-artifacts")) / "ui"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install chromium)")


def _chromium(profile: Path, *args: str, timeout: float = 90) -> str:
    cmd = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", "--window-size=1400,1000",
           "--virtual-time-budget=20000", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return proc.stdout


def _page(profile: Path, url: str, expect: list[str], shot: str, tries: int = 4) -> str:
    """The rendered DOM once every expected string is in it (a React page fills in from its API)."""
    dom = ""
    for _ in range(tries):
        dom = _chromium(profile, "--dump-dom", url)
        if all(e in dom for e in expect):
            break
        time.sleep(3)
    _chromium(profile, f"--screenshot={ARTIFACTS / shot}", url)
    missing = [e for e in expect if e not in dom]
    assert not missing, f"{url}: {missing} not on the page (screenshot {ARTIFACTS / shot}):\n{dom[-2000:]}"
    return dom


def _wait_for(probe, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            got = probe()
        except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError, ValueError):
            got = None
        if got:
            return got
        time.sleep(3)
    return None


def _slack_sink(env: dict[str, str]) -> str:
    return f"http://127.0.0.1:{env['STIR_SIDECAR_PORT']}/slack/_messages"


def _start_deadline_probe(base: str, token: str, deadline: float) -> None:
    """Unpause, then trigger one run (unpausing alone may wait for the next hourly fire)."""
    import urllib.request

    def call(method: str, path: str, body: bytes):
        req = urllib.request.Request(f"{base}/api/v2/dags/deadline_probe{path}", method=method, data=body,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as response:
            return json.loads(response.read())

    unpaused = _wait_for(lambda: call("PATCH", "?update_mask=is_paused", b'{"is_paused": false}'),
                         max(30.0, deadline - time.monotonic()))
    assert unpaused, "deadline_probe was not parsed"
    assert call("POST", "/dagRuns", b'{"logical_date": null}')["dag_run_id"]


def test_ui_shows_dags_assets_freshness_and_dbt_docs(e2e_stack):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    bundles = [{"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                "kwargs": {"path": str(config.DAGS_DIR)}},
               {"name": "stir-e2e-probes", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                "kwargs": {"path": str(PROBES)}}]
    env = dict(e2e_stack, STIR_DBT_DOCS_DIR=str(Path(e2e_stack["STIR_HOME"]) / "dbt-docs"),
               AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST=json.dumps(bundles))
    docs = run_stir(env, "dbt-docs", "--empty-catalog", timeout=300)
    assert docs.returncode == 0, docs.stdout[-2000:] + docs.stderr[-2000:]
    base = env["AIRFLOW__API__BASE_URL"].rstrip("/")
    log_path = Path(env["STIR_HOME"]) / "logs" / "airflow-standalone-ui.log"
    profile = Path(tempfile.mkdtemp(prefix="stir-chromium-"))
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "airflow"), "standalone"], env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=profile)
    try:
        deadline, count = time.monotonic() + READY_TIMEOUT, 0
        while time.monotonic() < deadline and count < EXPECTED_DAGS:
            assert proc.poll() is None, log_path.read_text()[-4000:]
            try:
                token = _get(f"{base}/auth/token")["access_token"]
                dags = _get(f"{base}/api/v2/dags?limit=200", token)["dags"]
                count = len([d for d in dags if str(d.get("fileloc", "")).startswith(DAGS_DIR)])
            except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError, ValueError):
                pass
            time.sleep(2)
        assert count == EXPECTED_DAGS, log_path.read_text()[-4000:]
        _start_deadline_probe(base, token, deadline)
        assets = _get(f"{base}/api/v2/assets?limit=500", token)["assets"]
        assert "x-clickhouse://clickhouse_gcc/dbt/mart_leaderboard" in {a["uri"] for a in assets}

        listing = _page(profile, f"{base}/dags", [" Dags<", "dbt_daily"], "dags.png")  # page 1 of the list
        shown = re.search(r">(\d+) Dags<", listing)
        assert shown and int(shown.group(1)) >= EXPECTED_DAGS + 1, shown  # + deadline_probe
        _page(profile, f"{base}/assets", ["mart_leaderboard"], "assets.png")
        _page(profile, f"{base}/dags/sync_leaderboard_prod", ["mart_leaderboard"], "sync_leaderboard_prod.png")
        _page(profile, f"{base}/stir/freshness", ["public.leaderboard", "served tables"], "freshness.png", tries=1)
        _page(profile, f"{base}/stir/dbt-docs/", ["gcc_social"], "dbt_docs.png", tries=1)

        alert = _wait_for(lambda: [m for m in _get(_slack_sink(env)) if "deadline_probe" in json.dumps(m)
                                   and "budget" in json.dumps(m)], 240)
        assert alert, f"no deadline alert in the Slack sink:\n{log_path.read_text()[-3000:]}"
        assert "1 min" in json.dumps(alert[0])
    finally:
        _stop_group(proc)
        try:  # a DAG processor can outlive standalone's SIGTERM; sweep the session
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        shutil.rmtree(profile, ignore_errors=True)
