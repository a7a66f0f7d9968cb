"""What the stack runs: one entry per component with its command, health probe and setup."""

from __future__ import annotations

import os
import signal
import socket
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from stir import config
from stir.stack import clickhouse, postgres, s3
from stir.stack.envvars import pg_dsn, process_env, ssh_session_env
from stir.stack.layout import COMPONENT_NAMES, Layout, airflow_database, os_user, s3_endpoint
from stir.stack.ssh_keys import ensure_keys

# The embedded server's default per-query memory cap (bytes): a runaway query fails alone
# instead of taking the server (and Airflow, PostgreSQL) down; the dbt profile sets the
# same cap per query. 3 GB keeps two concurrent dbt threads within the 8 GB server budget.
CH_MAX_MEMORY_USAGE = "3000000000"


def _none(_: Layout) -> None:
    return None


@dataclass(frozen=True)
class Component:
    name: str
    port: int
    argv: Callable[[Layout], list[str]]
    healthy: Callable[[], bool]
    prepare: Callable[[Layout], None] = _none
    bootstrap: Callable[[Layout], str | None] = _none
    env: Callable[[dict[str, str], Layout], dict[str, str]] = process_env
    user: Callable[[], str | None] = field(default=lambda: None)
    stop_signal: int = signal.SIGTERM
    start_timeout: float = 90.0
    # PostgreSQL only: a server already answering on the port is used, never managed.
    may_be_external: bool = False


def port_open(port: int, host: str = config.HOST, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _http_ok(url: str, expect: bytes | None = None, timeout: float = 2.0) -> bool:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.status == 200 and (expect is None or expect in resp.read())


def _ssh_banner(port: int) -> bool:
    with socket.create_connection((config.HOST, port), timeout=2) as sock:
        return sock.recv(64).startswith(b"SSH-2.0-")


def _clickhouse_bootstrap(_: Layout) -> str:
    count = clickhouse.create_sources(config.HOST, config.PORTS.clickhouse_http)
    return f"{count} statements from sources.sql"


def _s3_bootstrap(_: Layout) -> str:
    created = s3.ensure_bucket()
    return f"bucket {config.S3_BUCKET} {'created' if created else 'present'}"


def _postgres_bootstrap(_: Layout) -> str:
    notes = []
    for database in (config.PG_DATABASE, airflow_database()):
        notes.append(f"{database} {'created' if postgres.ensure_database(database) else 'present'}")
    apply = postgres.serving_migrations()
    if apply is None:
        notes.append("serving migrations skipped (stir.sync.migrations not there yet)")
    else:
        apply(pg_dsn(config.PG_DATABASE))
        notes.append("serving migrations applied")
    return ", ".join(notes)


def _ch_limits() -> list[str]:
    """Per-query limits on by default in the stack (a runaway query fails instead of taking
    the machine): CH_MAX_MEMORY_USAGE and an hour, unless STIR_CH_MAX_MEMORY_USAGE /
    STIR_CH_MAX_EXECUTION_TIME say otherwise (0 = none)."""
    return ["--max-memory-usage", os.environ.get("STIR_CH_MAX_MEMORY_USAGE", CH_MAX_MEMORY_USAGE),
            "--max-execution-time", os.environ.get("STIR_CH_MAX_EXECUTION_TIME", "3600")]


def _ch_remote_hosts() -> list[str]:
    """url()/s3() reach loopback and the stack's own S3 endpoint (the sync exports), unless
    STIR_CH_REMOTE_URL_ALLOW_HOSTS says otherwise ('*': any host)."""
    wanted = os.environ.get("STIR_CH_REMOTE_URL_ALLOW_HOSTS")
    if not wanted:
        endpoint = urlsplit(s3_endpoint())
        wanted = ",".join(("localhost", "127.0.0.1", "::1", f"{endpoint.hostname}:{endpoint.port}"))
    return ["--remote-url-allow-hosts", wanted]


def _py(*args: str) -> list[str]:
    return [sys.executable, "-m", *args]


def all_components() -> tuple[Component, ...]:
    host, ports = config.HOST, config.PORTS
    return (
        Component(
            "clickhouse", ports.clickhouse_http,
            argv=lambda lay: _py("stir.chserver", "--host", host, "--port", str(ports.clickhouse_http),
                                 "--data-dir", str(lay.clickhouse_data), *_ch_limits(),
                                 *_ch_remote_hosts()),
            healthy=lambda: clickhouse.ping(host, ports.clickhouse_http),
            bootstrap=_clickhouse_bootstrap,
            start_timeout=120.0,
        ),
        Component(
            "s3", ports.s3,
            argv=lambda _: _py("moto.server", "-H", host, "-p", str(ports.s3)),
            healthy=s3.healthy,
            bootstrap=_s3_bootstrap,
        ),
        Component(
            "postgres", ports.postgres,
            argv=postgres.argv,
            healthy=postgres.answers,
            prepare=postgres.prepare,
            bootstrap=_postgres_bootstrap,
            user=postgres.run_as,
            # SIGINT is PostgreSQL's "fast" shutdown: roll back sessions and stop now.
            stop_signal=signal.SIGINT,
            may_be_external=True,
        ),
        Component(
            "sshd", ports.ssh,
            argv=lambda lay: _py("stir.stack.sshd", "--host", host, "--port", str(ports.ssh),
                                 "--host-key", str(lay.ssh_host_key),
                                 "--authorized-keys", str(lay.ssh_authorized_keys),
                                 "--user", os_user(), "--cwd", os.path.expanduser("~")),
            healthy=lambda: _ssh_banner(ports.ssh),
            prepare=ensure_keys,
            env=ssh_session_env,
        ),
        Component(
            "sidecar", ports.sidecar,
            argv=lambda lay: _py("stir.sidecar", "--host", host, "--port", str(ports.sidecar),
                                 "--state-dir", str(lay.sidecar), "--ch-host", host,
                                 "--ch-port", str(ports.clickhouse_http)),
            healthy=lambda: _http_ok(f"http://{host}:{ports.sidecar}/health", b'"ok"'),
        ),
    )


def _ordered(components: tuple[Component, ...]) -> tuple[Component, ...]:
    assert tuple(c.name for c in components) == COMPONENT_NAMES, "keep layout.COMPONENT_NAMES in sync"
    return components


def select(names: list[str] | None) -> tuple[Component, ...]:
    components = _ordered(all_components())
    if not names:
        return components
    known = {c.name for c in components}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown component(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return tuple(c for c in components if c.name in names)
