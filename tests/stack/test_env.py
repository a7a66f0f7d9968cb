"""`stir stack env`: the connections Airflow's own hooks build from it point at the loopback stack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stir import config

from .helpers import fresh_home, parse_exports, stack_env, stir

CONN_IDS = {value for name, value in vars(config).items() if name.endswith("_CONN_ID")}


@pytest.fixture(scope="module")
def exported():
    env = stack_env(fresh_home("env"))
    result = stir(env, "stack", "env")
    assert result.returncode == 0, result.stderr
    return env, parse_exports(result.stdout)


@pytest.fixture
def airflow_env(exported, monkeypatch):
    _, exports = exported
    for key, value in exports.items():
        monkeypatch.setenv(key, value)
    return exports


def test_every_connection_id_is_exported_as_json(exported):
    _, exports = exported
    from airflow.models.connection import Connection

    for conn_id in CONN_IDS:
        raw = exports[f"AIRFLOW_CONN_{conn_id.upper()}"]
        assert raw.startswith("{")
        conn = Connection.from_json(raw, conn_id=conn_id)
        assert conn.conn_type
        assert "127.0.0.1" in (conn.host or "") + (conn.extra or "")  # AWS: endpoint_url in extra


def test_clickhouse_connection_is_plain_http(airflow_env):
    from airflow.providers.clickhousedb.hooks.clickhouse import ClickHouseHook

    raw = json.loads(airflow_env["AIRFLOW_CONN_CLICKHOUSE_GCC"])
    assert raw["extra"]["secure"] is False
    kwargs = ClickHouseHook(clickhouse_conn_id=config.CLICKHOUSE_CONN_ID)._get_client_kwargs()
    assert kwargs["secure"] is False
    assert (kwargs["host"], kwargs["port"], kwargs["database"]) == (
        "127.0.0.1", int(airflow_env["STIR_CH_PORT"]), "dbt")
    # the stack's ClickHouse is authenticated end to end: the connection carries its credentials
    assert (kwargs["username"], kwargs["password"]) == (airflow_env["STIR_CH_USER"], airflow_env["STIR_CH_PASSWORD"])


def test_slack_webhook_url_lands_on_the_sink(airflow_env):
    from airflow.providers.slack.hooks.slack_webhook import SlackWebhookHook

    url = SlackWebhookHook(slack_webhook_conn_id=config.SLACK_CONN_ID)._get_conn_params()["url"]
    assert url.startswith(f"http://127.0.0.1:{airflow_env['STIR_SIDECAR_PORT']}/slack/")


def test_http_connections_build_sidecar_urls(airflow_env):
    from airflow.providers.http.hooks.http import HttpHook

    sidecar = f"http://127.0.0.1:{airflow_env['STIR_SIDECAR_PORT']}"
    media = HttpHook(method="GET", http_conn_id=config.MEDIA_HTTP_CONN_ID)
    media.get_conn()
    assert media.url_from_endpoint("instagram/p/1.jpg") == f"{sidecar}/media/instagram/p/1.jpg"
    scrape = HttpHook(method="POST", http_conn_id=config.SCRAPE_API_CONN_ID)
    scrape.get_conn()
    assert scrape.url_from_endpoint("/scrape/api/v1/scrape_request") == f"{sidecar}/scrape/api/v1/scrape_request"


def test_aws_connection_points_at_moto(airflow_env):
    raw = json.loads(airflow_env["AIRFLOW_CONN_AWS_GCC"])
    assert raw["extra"]["endpoint_url"] == airflow_env["STIR_S3_ENDPOINT"]
    assert raw["login"] == airflow_env["STIR_S3_ACCESS_KEY"]


def test_stand_in_credentials_come_from_the_stacks_generated_secret(exported):
    """No key-shaped value is written in the code: the S3 key pair and the Slack sink path of
    a fresh STIR_HOME derive from its generated local-secret; another home gets others."""
    env, exports = exported
    secret = (Path(env["STIR_HOME"]) / "local-secret").read_text().strip()
    assert len(secret) >= 24 and exports["STIR_S3_SECRET_KEY"] == exports["STIR_CH_PASSWORD"] == secret
    key_id = exports["STIR_S3_ACCESS_KEY"]
    slack = json.loads(exports["AIRFLOW_CONN_SLACK_FAILURE"])["password"]
    assert len(key_id) == 16 and secret not in key_id and secret not in slack
    assert slack.startswith("local-sink/") and key_id not in slack
    other = parse_exports(stir(stack_env(fresh_home("env-other")), "stack", "env").stdout)
    assert other["STIR_S3_ACCESS_KEY"] != key_id and other["STIR_CH_PASSWORD"] != secret


def test_airflow_settings(airflow_env):
    assert airflow_env["AIRFLOW__CORE__DAGS_FOLDER"] == str(config.DAGS_DIR)
    assert airflow_env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
    assert airflow_env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith(
        f":{airflow_env['STIR_PG_PORT']}/{airflow_env['STIR_AIRFLOW_DB']}")
    from airflow.configuration import conf

    assert conf.getint("api", "port") == int(airflow_env["STIR_AIRFLOW_PORT"])
    assert conf.getboolean("core", "simple_auth_manager_all_admins") is True


GC_PROBE = "import gc, airflow.settings; print(gc.get_threshold())"


def test_every_airflow_process_of_the_stack_loads_its_local_settings(exported, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from stir.stack.layout import Layout

    env, exports = exported
    layout = Layout(Path(exports["STIR_HOME"]))
    layout.ensure()
    source = Path(config.__file__).parent / "stack" / "airflow_local_settings.py"
    assert layout.airflow_local_settings.read_text() == source.read_text()
    probe = {**env, **exports}
    out = subprocess.run([sys.executable, "-c", GC_PROBE], env=probe, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "(50000, 20, 10)", out.stderr[-2000:]
    # The same process in an Airflow home without the file keeps Python's defaults.
    bare = {**probe, "AIRFLOW_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", GC_PROBE], env=bare, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "(700, 10, 10)", out.stderr[-2000:]
