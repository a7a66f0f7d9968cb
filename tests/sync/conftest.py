"""Real engines for the sync tests, each started once per session on free ports.

Fixtures
    ch_server / ch   stir.chserver (chDB behind ClickHouse's HTTP interface) + clickhouse_connect client
    s3               moto's S3 server subprocess with the staging bucket; .endpoint, .client
    sshd             stir.stack.sshd (asyncssh) with generated keys; its commands see AWS_* for moto
    pg               a fresh PostgreSQL database stir_sync_<pid> with the migrations applied; .dsn, .connect()
    stack_env        AIRFLOW_CONN_* (clickhouse_gcc, prod_pg, ssh_prod_pg, aws_gcc) + STIR_SYNC_* for all of them
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from stir import config
from stir.sync import migrations

PG_HOST, PG_PORT = "127.0.0.1", int(os.environ.get("STIR_PG_PORT", "5432"))
S3_KEY, S3_SECRET, S3_REGION = "stir-test", "stir-test-secret", "ap-south-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout}s")
        time.sleep(0.05)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def admin_conn(dbname: str = "postgres"):
    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname=dbname)
    conn.autocommit = True
    return conn


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sync")


@pytest.fixture(scope="session")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


@pytest.fixture(scope="session")
def ch(ch_server):
    import clickhouse_connect

    client = clickhouse_connect.get_client(host=ch_server.host, port=ch_server.port)
    client.command("CREATE DATABASE IF NOT EXISTS dbt")
    yield client
    client.close()


@dataclass
class S3:
    endpoint: str
    bucket: str

    @property
    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=S3_KEY,
                            aws_secret_access_key=S3_SECRET, region_name=S3_REGION)


@pytest.fixture(scope="session")
def s3(workdir):
    port = free_port()
    log = open(workdir / "moto.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    try:
        wait_for(up, 30, "moto server", proc)
        server = S3(endpoint, config.S3_BUCKET)
        server.client.create_bucket(Bucket=server.bucket,
                                    CreateBucketConfiguration={"LocationConstraint": S3_REGION})
        yield server
    finally:
        stop(proc)
        log.close()


@dataclass
class SSHD:
    port: int
    client_key: Path
    user: str


@pytest.fixture(scope="session")
def sshd(workdir, s3):
    import getpass

    import asyncssh

    keys = workdir / "ssh"
    keys.mkdir()
    host_key, client_key = keys / "host", keys / "client"
    asyncssh.generate_private_key("ssh-ed25519").write_private_key(str(host_key))
    key = asyncssh.generate_private_key("ssh-ed25519")
    key.write_private_key(str(client_key))
    key.write_public_key(str(keys / "authorized_keys"))
    for p in (host_key, client_key):
        p.chmod(0o600)
    port = free_port()
    repo = str(Path(__file__).resolve().parents[2])
    # What the "PostgreSQL host" sees: its own AWS settings pointing at moto, this venv on PATH.
    env = {**os.environ, "AWS_ACCESS_KEY_ID": S3_KEY, "AWS_SECRET_ACCESS_KEY": S3_SECRET,
           "AWS_DEFAULT_REGION": S3_REGION, "AWS_ENDPOINT_URL_S3": s3.endpoint,
           "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
           "PYTHONPATH": repo}
    log = open(workdir / "sshd.log", "wb")
    user = getpass.getuser()
    proc = subprocess.Popen([sys.executable, "-m", "stir.stack.sshd", "--port", str(port), "--host-key",
                             str(host_key), "--authorized-keys", str(keys / "authorized_keys"), "--user", user,
                             "--cwd", str(workdir)], stdout=log, stderr=subprocess.STDOUT, env=env)

    def up() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    try:
        wait_for(up, 30, "sshd", proc)
        yield SSHD(port, client_key, user)
    finally:
        stop(proc)
        log.close()


@dataclass
class PG:
    dbname: str

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{self.dbname}"

    def connect(self, autocommit: bool = True):
        conn = psycopg2.connect(self.dsn)
        conn.autocommit = autocommit
        return conn

    def scalar(self, sql: str, params=None):
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            row = cur.fetchone()
        conn.close()
        return row[0] if row else None

    def rows(self, sql: str, params=None):
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            conn.close()

    def execute(self, sql: str, params=None) -> None:
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
        finally:
            conn.close()


@pytest.fixture(scope="session")
def pg():
    dbname = f"stir_sync_t{os.getpid()}"
    admin = admin_conn()
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {dbname}")
        cur.execute(f"CREATE DATABASE {dbname}")
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = 'stir_reader'")
        if not cur.fetchone():
            cur.execute("CREATE ROLE stir_reader")
    database = PG(dbname)
    migrations.apply(database.dsn, progress=lambda _: None)
    try:
        yield database
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        admin.close()


@pytest.fixture(scope="session")
def stack_env(ch_server, s3, sshd, pg, workdir):
    """Environment a DAG run (or the task callables) needs, applied to this process too."""
    import json
    import shutil
    import tempfile

    # The PostgreSQL server (another OS user) reads these files with COPY, so they live outside
    # pytest's private (0700, shared by concurrent runs) tmp tree.
    base = Path(os.environ.get("STIR_HOME", "/tmp/stir-sync"))
    base.mkdir(parents=True, exist_ok=True)
    files = Path(tempfile.mkdtemp(prefix="pg-host-files-", dir=base))
    env = {
        "AIRFLOW_CONN_CLICKHOUSE_GCC": json.dumps({"conn_type": "clickhouse", "host": ch_server.host,
                                                   "port": ch_server.port, "login": "default",
                                                   "schema": "dbt", "extra": {"secure": False}}),
        "AIRFLOW_CONN_PROD_PG": json.dumps({"conn_type": "postgres", "host": PG_HOST, "port": PG_PORT,
                                            "login": "postgres", "schema": pg.dbname}),
        "AIRFLOW_CONN_SSH_PROD_PG": json.dumps({"conn_type": "ssh", "host": "127.0.0.1", "port": sshd.port,
                                                "login": sshd.user,
                                                "extra": {"key_file": str(sshd.client_key),
                                                          "no_host_key_check": True, "look_for_keys": False,
                                                          "allow_host_key_change": True}}),
        "AIRFLOW_CONN_AWS_GCC": json.dumps({"conn_type": "aws", "login": S3_KEY, "password": S3_SECRET,
                                            "extra": {"endpoint_url": s3.endpoint, "region_name": S3_REGION}}),
        "STIR_SYNC_LOCAL_DIR": str(files),
        "STIR_SYNC_REMOTE_PYTHON": sys.executable,
        "STIR_SYNC_LOCK_TIMEOUT_MS": "500",
        "STIR_SYNC_SWAP_BACKOFF_S": "0.2",
    }
    for parent in [files, *files.parents]:
        if str(parent) in ("/", "/tmp"):
            break
        parent.chmod(parent.stat().st_mode | 0o755)
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield env
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(files, ignore_errors=True)
