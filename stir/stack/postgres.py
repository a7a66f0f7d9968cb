"""PostgreSQL for the stack: the machine's server when one answers, else one we run from pgserver.

pgserver ships real PostgreSQL binaries on PyPI; we use its binaries directly (not its
Python wrapper) so the server listens on the stack's TCP port and is tracked by our pid file.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pwd
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg2
from psycopg2 import errors, sql

from stir import config
from stir.stack.layout import Layout

# postgres refuses to run as root; as root we run it as this (created if missing) user,
# the same one pgserver itself uses.
SERVICE_USER = "pgserver"


def connect(database: str = "postgres", timeout: int = 2):
    return psycopg2.connect(host=config.HOST, port=config.PORTS.postgres, user="postgres",
                            dbname=database, connect_timeout=timeout)


def answers() -> bool:
    try:
        conn = connect()
    except psycopg2.Error:
        return False
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
            return cur.fetchone() == (1,)
    finally:
        conn.close()


def bin_dir() -> Path:
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("PyPI package 'pgserver' is not installed; it ships the PostgreSQL binaries")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def run_as() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin", SERVICE_USER],
                       check=True, capture_output=True)
    return SERVICE_USER


def _check_reachable(path: Path, user: str) -> None:
    """The service user must be able to traverse to its data dir; say so instead of chmod-ing parents."""
    for parent in reversed(path.parents):
        if not os.stat(parent).st_mode & 0o001:
            raise RuntimeError(
                f"{parent} is not traversable by user {user!r}, which runs PostgreSQL; "
                f"set STIR_HOME under a world-traversable directory such as /tmp or /var/tmp")


def prepare(layout: Layout) -> None:
    """initdb once (trust auth on loopback, superuser 'postgres')."""
    data = layout.postgres_data
    user = run_as()
    if (data / "PG_VERSION").exists():
        return
    data.mkdir(parents=True, exist_ok=True)
    if user:
        _check_reachable(data, user)
        entry = pwd.getpwnam(user)
        os.chown(data, entry.pw_uid, entry.pw_gid)
    data.chmod(0o700)
    subprocess.run(
        [str(bin_dir() / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres", "--encoding=UTF8",
         "--no-instructions"],
        check=True, capture_output=True, user=user, cwd=str(data),
    )


def argv(layout: Layout) -> list[str]:
    return [str(bin_dir() / "postgres"), "-D", str(layout.postgres_data), "-h", config.HOST,
            "-p", str(config.PORTS.postgres), "-k", str(layout.postgres_data)]


def ensure_database(name: str) -> bool:
    """CREATE DATABASE unless it exists; returns True when created now."""
    conn = connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone():
                return False
            try:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except errors.DuplicateDatabase:  # created concurrently by another `up`
                return False
            return True
    finally:
        conn.close()


def database_exists(name: str) -> bool:
    conn = connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return cur.fetchone() is not None
    finally:
        conn.close()


def serving_migrations() -> Callable[[str], object] | None:
    """stir.sync.migrations.apply if the sync area provides it yet."""
    try:
        module = importlib.import_module("stir.sync.migrations")
    except ModuleNotFoundError as exc:
        if exc.name in ("stir.sync", "stir.sync.migrations"):
            return None
        raise
    return getattr(module, "apply", None)
