"""Where things live and which loopback ports the embedded stack uses.

Every value can be overridden from the environment so the same code points at real
servers (docker-compose or production) without edits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = Path(os.environ.get("STIR_DBT_PROJECT_DIR", REPO_ROOT / "gcc_social"))
DBT_PROFILES_DIR = Path(os.environ.get("STIR_DBT_PROFILES_DIR", DBT_PROJECT_DIR))
DBT_TARGET = os.environ.get("STIR_DBT_TARGET", "dev")
DAGS_DIR = REPO_ROOT / "dags"
PLUGINS_DIR = REPO_ROOT / "plugins"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def stir_home() -> Path:
    """State of the embedded stack: data dirs, pid files, logs, keys, exported env."""
    return Path(_env("STIR_HOME", str(REPO_ROOT / ".stir")))


@dataclass(frozen=True)
class Ports:
    clickhouse_http: int = int(_env("STIR_CH_PORT", "8123"))
    s3: int = int(_env("STIR_S3_PORT", "9000"))
    postgres: int = int(_env("STIR_PG_PORT", "5432"))
    ssh: int = int(_env("STIR_SSH_PORT", "2222"))
    sidecar: int = int(_env("STIR_SIDECAR_PORT", "8765"))
    airflow_api: int = int(_env("STIR_AIRFLOW_PORT", "8080"))


PORTS = Ports()
HOST = _env("STIR_HOST", "127.0.0.1")

# The embedded stack's ClickHouse is authenticated: unless STIR_CH_USER / STIR_CH_PASSWORD
# say otherwise, with a secret generated once per $STIR_HOME (never one written in the code).
DEFAULT_CH_USER = "default"


def local_secret() -> str:
    """The embedded stack's own secret: $STIR_HOME/local-secret (0600), made on first use."""
    path = stir_home() / "local-secret"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_urlsafe(24).encode())
        finally:
            os.close(fd)
    return path.read_text(encoding="utf-8").strip()


def ch_user() -> str:
    return os.environ.get("STIR_CH_USER") or DEFAULT_CH_USER


def ch_password() -> str:
    password = os.environ.get("STIR_CH_PASSWORD")
    return local_secret() if password is None else password

# Names kept from the original so its operators recognise them.
CLICKHOUSE_CONN_ID = "clickhouse_gcc"
POSTGRES_CONN_ID = "prod_pg"
SSH_CONN_ID = "ssh_prod_pg"
SLACK_CONN_ID = "slack_failure"
AWS_CONN_ID = "aws_gcc"
SCRAPE_API_CONN_ID = "beat_scrape_api"
MEDIA_HTTP_CONN_ID = "media_cdn"

S3_BUCKET = _env("STIR_S3_BUCKET", "gcc-social-data")
S3_PREFIX = _env("STIR_S3_PREFIX", "data-pipeline/tmp")
PG_DATABASE = _env("STIR_PG_DATABASE", "beat")
DBT_SCHEMA = "dbt"  # ClickHouse database the marts live in, as in the original (dbt.mart_leaderboard)


# S3: the staging bucket's endpoint and keys. Unset, they are the embedded stack's loopback
# moto and names derived from the stack's generated secret; production sets STIR_S3_*.
S3_REGION = _env("STIR_S3_REGION", "ap-south-1")


def local_name(purpose: str) -> str:
    """A stable per-stack identifier for a loopback stand-in (S3 access key id, Slack sink
    path): a digest of the stack's secret, so no key-shaped value is written in the code and
    the secret itself never travels in a field that is logged or shown."""
    import hashlib

    return hashlib.sha256(f"{purpose}:{local_secret()}".encode()).hexdigest()[:16]


def s3_endpoint() -> str:
    return os.environ.get("STIR_S3_ENDPOINT") or f"http://{HOST}:{PORTS.s3}"


def s3_access_key() -> str:
    key_id = os.environ.get("STIR_S3_ACCESS_KEY")
    return local_name("s3-access-key-id") if key_id is None else key_id


def s3_secret_key() -> str:
    key = os.environ.get("STIR_S3_SECRET_KEY")
    return local_secret() if key is None else key
