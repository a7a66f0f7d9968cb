"""Fixtures for the DAG tests. Airflow reads its settings at import, so they are set first.

Own state dir and ports (STIR_HOME=/tmp/stir-dags, ClickHouse 18723, sidecar 18765) keep
these tests clear of other engineers' stacks on the same machine.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

STIR_HOME = Path(os.environ.get("STIR_DAGS_TEST_HOME", "/tmp/stir-dags"))
_AIRFLOW_HOME = STIR_HOME / "airflow"
_AIRFLOW_HOME.mkdir(parents=True, exist_ok=True)
os.environ.update({
    "STIR_HOME": str(STIR_HOME),
    "AIRFLOW_HOME": str(_AIRFLOW_HOME),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_AIRFLOW_HOME / 'airflow.db'}",
    "AIRFLOW__CORE__DAGS_FOLDER": str(Path(__file__).resolve().parents[2] / "dags"),
    "AIRFLOW__CORE__PLUGINS_FOLDER": str(Path(__file__).resolve().parents[2] / "plugins"),
})
# Probe DAGs used by dag.test() live in their own bundle, listed first so dag.test() finds
# them without parsing the whole dags/ folder.
_REPO = Path(__file__).resolve().parents[2]
os.environ["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"] = json.dumps([
    {"name": "stir-test-probes", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
     "kwargs": {"path": str(_REPO / "tests" / "dags" / "probe_dags")}},
    {"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
     "kwargs": {"path": str(_REPO / "dags")}},
])
os.environ.setdefault("STIR_CH_PORT", "18723")
os.environ.setdefault("STIR_SIDECAR_PORT", "18765")

import pytest  # noqa: E402

from stir import config  # noqa: E402

DAGS_DIR = config.DAGS_DIR


@pytest.fixture(scope="session")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(str(DAGS_DIR))


@pytest.fixture(scope="session")
def airflow_db():
    """A migrated sqlite metadata DB under STIR_HOME (idempotent), for dag.test()."""
    import subprocess
    import sys
    from pathlib import Path as _Path

    airflow_bin = _Path(sys.executable).parent / "airflow"
    proc = subprocess.run([str(airflow_bin), "db", "migrate"], env=dict(os.environ), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """A real ClickHouse server (chDB behind the HTTP interface) on STIR_CH_PORT with the source tables."""
    from stir.chserver.testing import running_server
    from stir.generate.testing import apply_sources, make_client, make_dbt_runner

    with running_server(port=int(os.environ["STIR_CH_PORT"])) as server:
        client = make_client(server)
        apply_sources(client)
        dbt = make_dbt_runner(server, tmp_path_factory.mktemp("dbt"))
        yield server, client, dbt
        client.close()


@pytest.fixture(scope="module")
def sidecar(warehouse, tmp_path_factory):
    """The stack's sidecar (scrape API stand-in, Slack sink, media) in a thread on STIR_SIDECAR_PORT."""
    import threading

    from stir.sidecar.server import build_server

    server, _, _ = warehouse
    port = int(os.environ["STIR_SIDECAR_PORT"])
    httpd = build_server("127.0.0.1", port, tmp_path_factory.mktemp("sidecar"), server.host, server.port)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def stack_connections(warehouse, sidecar, monkeypatch):
    """AIRFLOW_CONN_* for the embedded stack, JSON form (the URI form would read secure=false as true)."""
    server, _, _ = warehouse
    conns = {
        "CLICKHOUSE_GCC": {"conn_type": "clickhouse", "host": server.host, "port": server.port,
                           "login": "default", "schema": "dbt", "extra": {"secure": False}},
        "BEAT_SCRAPE_API": {"conn_type": "http", "host": "127.0.0.1", "port": int(os.environ["STIR_SIDECAR_PORT"]),
                            "schema": "http"},
        "MEDIA_CDN": {"conn_type": "http", "host": f"{sidecar}/media"},
    }
    for name, conn in conns.items():
        monkeypatch.setenv(f"AIRFLOW_CONN_{name}", json.dumps(conn))
    return conns
