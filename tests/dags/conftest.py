"""Fixtures for the DAG tests. Airflow reads its settings at import, so they are set first.

Own state dir (one per checkout, so its migrated Airflow DB is reused between runs) and
free ports for ClickHouse and the sidecar keep these tests clear of a user's stack and of
another checkout's test run on the same machine.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from stir.chserver.testing import free_ports

_REPO = Path(__file__).resolve().parents[2]
_CHECKOUT = hashlib.sha1(str(_REPO).encode()).hexdigest()[:10]
STIR_HOME = Path(os.environ.get("STIR_DAGS_TEST_HOME", f"/tmp/stir-dags-{_CHECKOUT}"))
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
os.environ["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"] = json.dumps([
    {"name": "stir-test-probes", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
     "kwargs": {"path": str(_REPO / "tests" / "dags" / "probe_dags")}},
    {"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
     "kwargs": {"path": str(_REPO / "dags")}},
])
# Always fresh: a sourced stack.env must not point these tests at the user's own stack.
os.environ["STIR_CH_PORT"], os.environ["STIR_SIDECAR_PORT"] = (str(p) for p in free_ports(2))

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


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def seeded(warehouse):
    """Every e2e module's source rows, then ONE dbt run of the staging layer (+ the freshness mart).

    dbt's startup and project parse dominate a small run, so the modules share one build.
    """
    import seed_data

    _, client, dbt = warehouse
    seed_data.seed_scrape(client)
    seed_data.seed_assets(client)
    seed_data.seed_ops(client)
    dbt("run", "--select", "path:models/staging", "mart_instagram_account_freshness")
    return client


@pytest.fixture(scope="session")
def sidecar(warehouse, tmp_path_factory):
    """The stack's sidecar (scrape API stand-in, Slack sink, media) in a thread on STIR_SIDECAR_PORT."""
    import threading

    from stir.sidecar.server import build_server

    server, _, _ = warehouse
    port = int(os.environ["STIR_SIDECAR_PORT"])
    httpd = build_server("127.0.0.1", port, tmp_path_factory.mktemp("sidecar"), server.host, server.port,
                         "default", "")  # running_server: no password
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


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on a free loopback port, with the bucket; yields (endpoint, boto3 client)."""
    import subprocess
    import sys
    import time
    import urllib.request

    import boto3

    from stir.chserver.testing import free_port, stop_process

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                stop_process(proc)
                raise RuntimeError("moto server did not start") from None
            time.sleep(0.2)
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="stir", aws_secret_access_key="stir-local",
                          region_name="ap-south-1")
    client.create_bucket(Bucket=config.S3_BUCKET,
                         CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
    yield endpoint, client
    stop_process(proc)
