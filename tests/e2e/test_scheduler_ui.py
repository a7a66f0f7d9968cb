"""The Airflow UI as a person sees it: headless Chromium against `airflow standalone` on the embedded stack.

One standalone start, one page load per check (Chromium's --dump-dom after the page's own
API calls settle), one screenshot per page into test-artifacts/ui/ (STIR_TEST_ARTIFACTS):
the DAG list shows the 78 DAGs, the Assets page lists the marts, the DAG page of
sync_leaderboard_prod names its mart's Asset, the freshness page lists the served tables and
the dbt docs load. Meanwhile, on the same scheduler, a probe DAG with a 1-minute budget
(tests/e2e/probe_dags, its own bundle) outlives 80 % of it and its deadline alert reaches the
stack's Slack sink; a REST-triggered dbt_core run's Asset events start its sync, which publishes that
run's build; a dbt_daily run starts sync_leaderboard_prod by itself. Skipped when no Chromium is installed (.ci/run installs the Debian package).
"""

from __future__ import annotations

import datetime as dt
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

import psycopg2
import pytest

from stir import config
from stir.airflow.sync_pairs import SYNC_PAIRS
from stir.stack.airflow_api import AirflowApi
from stir.sync import freshness

from .helpers import dbt, run_stir
from .test_airflow_standalone import DAGS_DIR, EXPECTED_DAGS, READY_TIMEOUT, _get

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


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM standalone's session, then SIGKILL what is left (a DAG processor can outlive it)."""
    for sig, wait in ((signal.SIGTERM, 60), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


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


@pytest.fixture(scope="module")
def standalone(e2e_stack):
    """One `airflow standalone` (our DAGs + the probe bundle) for every test of the module."""
    bundles = [{"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                "kwargs": {"path": str(config.DAGS_DIR)}},
               {"name": "stir-e2e-probes", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                "kwargs": {"path": str(PROBES)}}]
    env = dict(e2e_stack, STIR_DBT_DOCS_DIR=str(Path(e2e_stack["STIR_HOME"]) / "dbt-docs"),
               AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST=json.dumps(bundles))
    base = env["AIRFLOW__API__BASE_URL"].rstrip("/")
    log_path = Path(env["STIR_HOME"]) / "logs" / "airflow-standalone-ui.log"
    cwd = Path(tempfile.mkdtemp(prefix="stir-standalone-"))
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "airflow"), "standalone"], env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd)
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
        yield {"env": env, "base": base, "token": token, "log": log_path, "deadline": deadline}
    finally:
        _stop_group(proc)
        shutil.rmtree(cwd, ignore_errors=True)


def test_ui_shows_dags_assets_freshness_and_dbt_docs(standalone):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env, base, token, log_path = standalone["env"], standalone["base"], standalone["token"], standalone["log"]
    docs = run_stir(env, "dbt-docs", "--empty-catalog", timeout=300)
    assert docs.returncode == 0, docs.stdout[-2000:] + docs.stderr[-2000:]
    profile = Path(tempfile.mkdtemp(prefix="stir-chromium-"))
    try:
        _start_deadline_probe(base, token, standalone["deadline"])
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
        shutil.rmtree(profile, ignore_errors=True)


# --- issue 13: no sync publishes a mart older than the last successful run of its tier --------------

TIER = "dbt_core"
# The sync whose marts are all built by dbt_core (sync_insta_posts and sync_yt_videos are too,
# but cost a minute more each; sync_yt_critical_daily also needs weekly marts).
CORE_SYNC = "sync_insta_account_core"


def _ts(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def publish_violations(tier_runs: list[dict], sync_run: dict, published: dict[str, tuple]) -> list[str]:
    """What makes a sync run's publication older than the tier's last successful run (empty: none).

    tier_runs: the tier's DAG runs (REST API dicts), each with `build_end`, when its last task ended
    (its Asset events fire then, a moment before the run itself is marked ended); sync_run: the sync's
    DAG run; published: per served table, (built_at, run_id) as recorded in stir_meta.table_freshness.
    The reference is the tier's last successful run whose build ended before the sync ended."""
    name = sync_run["dag_run_id"]
    done = [r for r in tier_runs if r["state"] == "success" and _ts(r.get("build_end"))
            and _ts(r["build_end"]) <= _ts(sync_run["end_date"])]
    if not done:
        return [f"{name}: no successful tier run ended before it"]
    last = max(done, key=lambda r: _ts(r["build_end"]))
    start, end = _ts(last["start_date"]), _ts(last["build_end"])
    out = []
    if sync_run["run_type"] != "asset_triggered":
        out.append(f"{name}: run_type {sync_run['run_type']}, not asset_triggered")
    if _ts(sync_run["start_date"]) < end:
        out.append(f"{name} started {sync_run['start_date']}, before tier run {last['dag_run_id']} ended {end}")
    for table, (built_at, run_id) in sorted(published.items()):
        if run_id != name:
            out.append(f"{table}: recorded by run {run_id}, not {name}")
        # built_at has ClickHouse's whole seconds
        if built_at is None or built_at < start.replace(microsecond=0):
            out.append(f"{table}: snapshot built {built_at}, before tier run {last['dag_run_id']} started {start}")
    return out


def test_publish_violations_catches_a_sync_run_before_the_tier():
    """The helper fails a manual sync that started before the tier run and published the older build."""
    t = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.timezone.utc)
    iso = lambda minutes: (t + dt.timedelta(minutes=minutes)).isoformat()  # noqa: E731
    tier = [{"dag_run_id": "old", "state": "success", "start_date": iso(-30), "build_end": iso(-28)},
            {"dag_run_id": "new", "state": "success", "start_date": iso(0), "build_end": iso(2)},
            {"dag_run_id": "failed", "state": "failed", "start_date": iso(3), "build_end": iso(4)}]
    early = {"dag_run_id": "manual__1", "run_type": "manual", "start_date": iso(-1), "end_date": iso(3)}
    found = publish_violations(tier, early, {"public.t": (t - dt.timedelta(minutes=29), "manual__1")})
    assert len(found) == 3 and "not asset_triggered" in found[0] and "before tier run new ended" in found[1]
    assert "before tier run new started" in found[2]
    good = {"dag_run_id": "asset__1", "run_type": "asset_triggered", "start_date": iso(2.1), "end_date": iso(3)}
    assert publish_violations(tier, good, {"public.t": (t + dt.timedelta(seconds=40), "asset__1")}) == []
    assert publish_violations(tier, good, {"public.t": (t + dt.timedelta(seconds=40), "other")})
    assert publish_violations(tier[2:], good, {}) == ["asset__1: no successful tier run ended before it"]


def _published(env: dict[str, str], tables: list[str]) -> dict[str, tuple]:
    conn = psycopg2.connect(env["STIR_PG_DSN"])
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT table_name, built_at, run_id FROM {freshness.TABLE} WHERE table_name = ANY(%s)",
                        (tables,))
            return {t: (b, r) for t, b, r in cur.fetchall()}
    finally:
        conn.close()


def _idle(api: AirflowApi, dag_id: str) -> bool:
    time.sleep(5)  # the scheduler may still be creating a run (an unpause's latest interval)
    return not [r for r in api.dag_runs(dag_id) if r["state"] in ("queued", "running")]


def _tier_runs(api: AirflowApi) -> list[dict]:
    """dbt_core's runs, each successful one with `build_end` (its last task's end)."""
    runs = api.dag_runs(TIER)
    for run in runs:
        if run["state"] == "success":
            ends = [t["end_date"] for t in api.task_instances(TIER, run["dag_run_id"]) if t.get("end_date")]
            run["build_end"] = max(ends, key=_ts) if ends else run["end_date"]
    return runs


def test_asset_triggered_sync_publishes_the_last_tier_run(standalone, generated):
    """Issue 13's acceptance on the real scheduler: dbt_core triggered through the REST API, its
    Asset events start the sync, and the sync publishes the snapshot that run built."""
    env = standalone["env"]
    api = AirflowApi(standalone["base"])
    tables = [f"public.{t}" for d, _, t in SYNC_PAIRS if d == CORE_SYNC]
    try:
        # The marts first (unpausing may also start dbt_core's latest cron interval), then the
        # sync, whose unpause runs its cron fallback on them. A paused sync queues no Asset event.
        api.set_paused(TIER, False)
        first = api.wait(TIER, api.trigger(TIER), timeout=900)
        assert first["state"] == "success", first
        assert _wait_for(lambda: _idle(api, TIER), 600)
        api.set_paused(CORE_SYNC, False)
        assert _wait_for(lambda: _idle(api, CORE_SYNC), 600)

        run_id = api.trigger(TIER)
        assert api.wait(TIER, run_id, timeout=900)["state"] == "success"
        tier = next(r for r in _tier_runs(api) if r["dag_run_id"] == run_id)
        built = _ts(tier["build_end"])
        sync = _wait_for(lambda: [r for r in api.dag_runs(CORE_SYNC) if r["state"] in ("success", "failed")
                                  and _ts(r["queued_at"]) >= built], 900)
        assert sync, f"no {CORE_SYNC} run after {TIER} {run_id}"
        assert sync[-1]["state"] == "success" and sync[-1]["run_type"] == "asset_triggered", sync
        assert _wait_for(lambda: _idle(api, CORE_SYNC) and _idle(api, TIER), 600)
        last_sync = next(r for r in api.dag_runs(CORE_SYNC) if r["state"] == "success")
        assert _ts(last_sync["start_date"]) >= built
        published = _published(env, tables)
        assert set(published) == set(tables), published
        assert publish_violations(_tier_runs(api), last_sync, published) == []
    finally:
        for dag_id in (CORE_SYNC, TIER):  # the metadata DB outlives the test: leave them paused
            api.set_paused(dag_id, True)


DAILY, LEADERBOARD_SYNC = "dbt_daily", "sync_leaderboard_prod"


def _end_runs(api: AirflowApi, dag_id: str, keep=lambda run: False) -> None:
    """Mark the DAG's queued/running runs failed (except `keep`), so its one active run slot is free."""
    for run in api.dag_runs(dag_id):
        if run["state"] in ("queued", "running") and not keep(run):
            api._request("PATCH", f"/api/v2/dags/{dag_id}/dagRuns/{run['dag_run_id']}", {"state": "failed"})


def test_dbt_daily_run_starts_sync_leaderboard_prod_by_itself(standalone, generated):
    """Issue 13, item 6: the daily tier's rebuild of mart_leaderboard starts sync_leaderboard_prod
    (an Asset event), instead of the original's guess that 20:15 comes after the 19:00 batch."""
    env = standalone["env"]
    api = AirflowApi(standalone["base"])
    # The daily tier reads what other tiers build (some through macros, not refs): every model once.
    result = dbt(env, "run")
    assert result.returncode == 0, result.stdout[-4000:]
    try:
        # Unpausing runs the sync's cron fallback for its latest interval at once; it is ended below
        # so the Asset-triggered run is not held behind it (one active run per DAG).
        api.set_paused(LEADERBOARD_SYNC, False)
        api.set_paused(DAILY, False)
        run_id = api.trigger(DAILY)
        _end_runs(api, DAILY, keep=lambda run: run["dag_run_id"] == run_id)  # an unpause's cron interval
        daily = api.wait(DAILY, run_id, timeout=1200)
        assert daily["state"] == "success", daily
        ends = [t["end_date"] for t in api.task_instances(DAILY, run_id) if t.get("end_date")]
        built = max(map(_ts, ends))

        def asset_run_started():
            # a cron-fallback run created late by the unpause would hold the one active-run slot
            _end_runs(api, LEADERBOARD_SYNC, keep=lambda run: run["run_type"] == "asset_triggered")
            return [r for r in api.dag_runs(LEADERBOARD_SYNC)
                    if r["run_type"] == "asset_triggered" and _ts(r["queued_at"]) >= built and r.get("start_date")]

        started = _wait_for(asset_run_started, 600)
        assert started, f"{LEADERBOARD_SYNC} did not start after {DAILY} {run_id}: {api.dag_runs(LEADERBOARD_SYNC)}"
        assert _ts(started[-1]["start_date"]) >= built
    finally:
        for dag_id in (LEADERBOARD_SYNC, DAILY):
            api.set_paused(dag_id, True)
            _end_runs(api, dag_id)
