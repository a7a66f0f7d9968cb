"""Where the stack keeps its state under $STIR_HOME, and the loopback settings it serves on."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from stir import config

# Loopback-only stand-ins: moto accepts any key pair and the sidecar's webhook sink any
# path; both derive from the stack's generated secret. Real servers take theirs from
# AIRFLOW_CONN_* (docker-compose).
from stir.config import (  # noqa: E402,F401  the S3 stand-ins live with the product's config
    S3_REGION,
    local_name,
    s3_access_key,
    s3_secret_key,
)

# Start order; `down` goes in reverse.
COMPONENT_NAMES = ("clickhouse", "s3", "postgres", "sshd", "sidecar")


@dataclass(frozen=True)
class Layout:
    home: Path

    @classmethod
    def current(cls) -> Layout:
        return cls(config.stir_home().resolve())

    @property
    def run(self) -> Path:
        return self.home / "run"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def clickhouse_data(self) -> Path:
        return self.home / "clickhouse"

    @property
    def postgres_data(self) -> Path:
        return self.home / "postgres"

    @property
    def ssh(self) -> Path:
        return self.home / "ssh"

    @property
    def ssh_host_key(self) -> Path:
        return self.ssh / "ssh_host_ed25519_key"

    @property
    def ssh_client_key(self) -> Path:
        return self.ssh / "id_ed25519"

    @property
    def ssh_authorized_keys(self) -> Path:
        return self.ssh / "authorized_keys"

    @property
    def sidecar(self) -> Path:
        return self.home / "sidecar"

    @property
    def pg_import(self) -> Path:
        """Where SSH-run downloads land for PostgreSQL's server-side COPY to read."""
        return self.home / "pg-import"

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    @property
    def env_file(self) -> Path:
        return self.home / "stack.env"

    def pid_file(self, component: str) -> Path:
        return self.run / f"{component}.json"

    def log_file(self, component: str) -> Path:
        return self.logs / f"{component}.log"

    def ensure(self) -> None:
        for d in (self.run, self.logs, self.clickhouse_data, self.ssh, self.sidecar, self.airflow_home,
                  self.pg_import):
            d.mkdir(parents=True, exist_ok=True)
        # Written by SSH commands, read by the PostgreSQL server's own OS user.
        self.pg_import.chmod(0o1777)
        self._install_airflow_local_settings()

    @property
    def airflow_local_settings(self) -> Path:
        return self.airflow_home / "config" / "airflow_local_settings.py"

    def _install_airflow_local_settings(self) -> None:
        """The stack's airflow_local_settings.py (GC thresholds) where Airflow looks for it."""
        source = (Path(__file__).with_name("airflow_local_settings.py")).read_text(encoding="utf-8")
        target = self.airflow_local_settings
        if not target.exists() or target.read_text(encoding="utf-8") != source:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            tmp.write_text(source, encoding="utf-8")
            tmp.replace(target)


def slack_webhook_path() -> str:
    path = os.environ.get("STIR_SLACK_WEBHOOK_TOKEN")
    return f"local-sink/{local_name('slack-webhook')}" if path is None else path


def s3_endpoint() -> str:
    return f"http://{config.HOST}:{config.PORTS.s3}"


def airflow_database() -> str:
    """Airflow metadata database; overridable so engineers sharing one server don't collide."""
    return os.environ.get("STIR_AIRFLOW_DB", "airflow")


def os_user() -> str:
    return getpass.getuser()
