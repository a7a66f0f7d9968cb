"""`up` fails loudly (log tail, non-zero exit, nothing left running) and owns a PostgreSQL only when needed."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import psutil
import psycopg2

from stir.stack.process import wait_until

from .helpers import fresh_home, stack_env, status, stir


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_up_refuses_a_port_someone_else_holds():
    home = fresh_home("busy")
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        env = stack_env(home, STIR_SIDECAR_PORT=str(port))
        result = stir(env, "stack", "up", "sidecar", "--skip-airflow-db")
    assert result.returncode == 1
    assert "FAILED" in result.stdout and f"port {port} is taken" in result.stdout
    assert not (home / "run" / "sidecar.json").exists()


def test_component_that_dies_at_start_shows_its_log_and_leaves_nothing():
    home = fresh_home("crash")
    (home / "ssh").mkdir()
    # A corrupt host key makes the sshd exit at start-up, as a real misconfiguration would.
    (home / "ssh" / "ssh_host_ed25519_key").write_text("not a key\n")
    port = _free_port()
    env = stack_env(home, STIR_SSH_PORT=str(port))
    result = stir(env, "stack", "up", "sshd", "--skip-airflow-db")
    assert result.returncode == 1
    assert "exited during start-up" in result.stdout
    assert "last lines of" in result.stdout and "Invalid private key" in result.stdout
    assert not (home / "run" / "sshd.json").exists()
    assert not _listening(port)


def test_owned_postgres_when_nothing_answers_on_the_port():
    home = fresh_home("pg")
    port = _free_port()
    env = stack_env(home, STIR_PG_PORT=str(port))
    up = stir(env, "stack", "up", "postgres", "--skip-airflow-db")
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        row = status(env)["postgres"]
        assert row["mode"] == "stack" and row["healthy"] and row["pid"]
        conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname=env["STIR_PG_DATABASE"])
        with conn.cursor() as cur:
            cur.execute("SHOW server_version")
            assert int(cur.fetchone()[0].split(".")[0]) >= 15
        conn.close()

        again = stir(env, "stack", "up", "postgres", "--skip-airflow-db")
        assert "already running" in again.stdout and status(env)["postgres"]["pid"] == row["pid"]
    finally:
        down = stir(env, "stack", "down", "postgres")
    assert down.returncode == 0, down.stdout
    assert wait_until(lambda: not psutil.pid_exists(row["pid"])
                      or psutil.Process(row["pid"]).status() == psutil.STATUS_ZOMBIE, 10)
    assert not _listening(port)


def test_stale_pid_file_is_replaced(tmp_path):
    home = fresh_home("stale")
    port = _free_port()
    env = stack_env(home, STIR_SIDECAR_PORT=str(port))
    (home / "run").mkdir(parents=True)
    # A pid file left by a crash: the PID now belongs to this test process (different start time).
    me = psutil.Process()
    (home / "run" / "sidecar.json").write_text(json.dumps(
        {"pid": me.pid, "create_time": me.create_time() - 1000, "argv": ["x"], "port": port}))
    try:
        up = stir(env, "stack", "up", "sidecar", "--skip-airflow-db")
        assert up.returncode == 0, up.stdout + up.stderr
        row = status(env)["sidecar"]
        assert row["healthy"] and row["pid"] != me.pid
    finally:
        stir(env, "stack", "down", "sidecar")
    assert me.is_running()  # down never signalled the PID from the stale file
    assert not Path(home / "run" / "sidecar.json").exists()
