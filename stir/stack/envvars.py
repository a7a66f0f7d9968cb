"""The environment the stack exports: STIR_* settings, Airflow settings and AIRFLOW_CONN_* connections.

Connections use Airflow's JSON form: the URI form would turn the ClickHouse extra
`secure=false` into the string "false", which the provider reads as True.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

from stir import config
from stir.stack.layout import (
    S3_REGION,
    Layout,
    airflow_database,
    os_user,
    s3_access_key,
    s3_endpoint,
    s3_secret_key,
    slack_webhook_path,
)


def pg_dsn(database: str) -> str:
    return f"postgresql://postgres@{config.HOST}:{config.PORTS.postgres}/{database}"


def connections(layout: Layout) -> dict[str, dict]:
    host, ports = config.HOST, config.PORTS
    return {
        config.CLICKHOUSE_CONN_ID: {
            "conn_type": "clickhouse", "host": host, "port": ports.clickhouse_http,
            "login": config.ch_user(), "password": config.ch_password(), "schema": config.DBT_SCHEMA,
            "extra": {"secure": False},
        },
        config.POSTGRES_CONN_ID: {
            "conn_type": "postgres", "host": host, "port": ports.postgres,
            "login": "postgres", "schema": config.PG_DATABASE,
        },
        config.SSH_CONN_ID: {
            "conn_type": "ssh", "host": host, "port": ports.ssh, "login": os_user(),
            "extra": {"key_file": str(layout.ssh_client_key), "no_host_key_check": True,
                      "look_for_keys": False, "allow_host_key_change": True},
        },
        # SlackWebhookHook posts to host + "/" + password, which lands on the sidecar's sink.
        config.SLACK_CONN_ID: {
            "conn_type": "slackwebhook", "host": f"http://{host}:{ports.sidecar}/slack/",
            "password": slack_webhook_path(),
        },
        config.AWS_CONN_ID: {
            "conn_type": "aws", "login": s3_access_key(), "password": s3_secret_key(),
            "extra": {"endpoint_url": s3_endpoint(), "region_name": S3_REGION},
        },
        config.SCRAPE_API_CONN_ID: {
            "conn_type": "http", "host": host, "port": ports.sidecar, "schema": "http",
        },
        # HttpHook uses a host containing "://" as the base URL, so endpoints are media paths.
        config.MEDIA_HTTP_CONN_ID: {
            "conn_type": "http", "host": f"http://{host}:{ports.sidecar}/media",
        },
    }


def airflow_sizing(cpus: int | None = None) -> dict[str, str]:
    """Executor slots = cores (STIR_AIRFLOW_PARALLELISM overrides), one API worker, DAG files
    re-parsed every 2 minutes instead of every 30 s (the DAG processor's parse loop is the
    scheduler's largest idle cost on 2 cores)."""
    cpus = cpus or os.cpu_count() or 2
    parallelism = os.environ.get("STIR_AIRFLOW_PARALLELISM") or str(max(2, cpus))
    return {
        "AIRFLOW__CORE__PARALLELISM": parallelism,
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": str(max(1, min(2, cpus))),
        "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "120",
    }


def exports(layout: Layout) -> dict[str, str]:
    """Everything a shell, dbt or Airflow needs to use the embedded stack, in a stable order."""
    host, ports = config.HOST, config.PORTS
    airflow_api = f"http://{host}:{ports.airflow_api}"
    env = {
        "STIR_HOME": str(layout.home),
        "STIR_HOST": host,
        "STIR_CH_HOST": host,
        "STIR_CH_PORT": str(ports.clickhouse_http),
        "STIR_CH_USER": config.ch_user(),
        "STIR_CH_PASSWORD": config.ch_password(),
        "STIR_S3_PORT": str(ports.s3),
        "STIR_S3_ENDPOINT": s3_endpoint(),
        "STIR_S3_ACCESS_KEY": s3_access_key(),
        "STIR_S3_SECRET_KEY": s3_secret_key(),
        "STIR_S3_BUCKET": config.S3_BUCKET,
        "STIR_S3_REGION": S3_REGION,
        "STIR_PG_HOST": host,
        "STIR_PG_PORT": str(ports.postgres),
        "STIR_PG_DATABASE": config.PG_DATABASE,
        "STIR_PG_DSN": pg_dsn(config.PG_DATABASE),
        "STIR_PG_IMPORT_DIR": str(layout.pg_import),
        # stir.sync downloads over SSH into this directory and COPYs from it server-side.
        "STIR_SYNC_LOCAL_DIR": str(layout.pg_import),
        "STIR_AIRFLOW_DB": airflow_database(),
        "STIR_SSH_PORT": str(ports.ssh),
        "STIR_SSH_KEY_FILE": str(layout.ssh_client_key),
        "STIR_SIDECAR_PORT": str(ports.sidecar),
        "STIR_AIRFLOW_PORT": str(ports.airflow_api),
        "AIRFLOW_HOME": str(layout.airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(config.DAGS_DIR),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(config.PLUGINS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        # Sized to the machine, not Airflow's defaults (32 LocalExecutor workers, 4 API workers).
        **airflow_sizing(),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        # dbt-heavy DAG files import slowly on a busy 2-core box.
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "120",
        "AIRFLOW__DAG_PROCESSOR__DAG_FILE_PROCESSOR_TIMEOUT": "180",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN":
            f"postgresql+psycopg2://postgres@{host}:{ports.postgres}/{airflow_database()}",
        "AIRFLOW__API__HOST": host,
        "AIRFLOW__API__PORT": str(ports.airflow_api),
        "AIRFLOW__API__BASE_URL": airflow_api,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{airflow_api}/execution/",
        # Next to the API port so two engineers' stacks on one machine don't collide.
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(ports.airflow_api + 1),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(ports.airflow_api + 2),
    }
    for conn_id, conn in connections(layout).items():
        env[f"AIRFLOW_CONN_{conn_id.upper()}"] = json.dumps(conn, separators=(",", ":"))
    # `airflow standalone` and SSH commands start `airflow`/`python` by name: the venv goes first.
    env["PATH"] = _venv_first_path(os.environ.get("PATH", "/usr/bin:/bin"))
    return env


def _venv_first_path(path: str) -> str:
    venv_bin = str(Path(sys.executable).parent)
    return ":".join([venv_bin, *[p for p in path.split(":") if p and p != venv_bin]])


def process_env(base: dict[str, str], layout: Layout) -> dict[str, str]:
    """Environment for stack processes: the caller's, the exports, and the venv first on PATH."""
    env = {**base, **exports(layout)}
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def ssh_session_env(base: dict[str, str], layout: Layout) -> dict[str, str]:
    """What commands run over SSH see: like the PostgreSQL host's own AWS config, pointing at moto."""
    env = process_env(base, layout)
    env.update({
        "AWS_ACCESS_KEY_ID": s3_access_key(),
        "AWS_SECRET_ACCESS_KEY": s3_secret_key(),
        "AWS_DEFAULT_REGION": S3_REGION,
        "AWS_ENDPOINT_URL_S3": s3_endpoint(),
    })
    return env


def render_shell(env: dict[str, str]) -> str:
    return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items())


def parse_shell(text: str) -> dict[str, str]:
    """The variables of a `render_shell` text (e.g. `stir stack env`, `.stir/stack.env`)."""
    env = {}
    for line in text.splitlines():
        if line.startswith("export "):
            key, _, value = line[len("export "):].partition("=")
            env[key] = shlex.split(value)[0] if value else ""
    return env
