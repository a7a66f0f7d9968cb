"""Process lifecycle: clear refusals on a taken port or data directory, graceful
shutdown on SIGTERM/SIGINT, data surviving a restart."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

import pytest

from stir.chserver.testing import free_port, running_server

from .httpraw import sql


def _start(port: int, data_dir) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stir.chserver", "--port", str(port), "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=60)


def test_port_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _start(port, tmp_path / "data")
    assert proc.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in proc.stderr


def test_data_dir_owned_by_another_server(ch):
    proc = _start(free_port(), ch.data_dir)
    assert proc.returncode != 0
    assert f"data directory {ch.data_dir} is already used by another server (pid {ch.pid})" in proc.stderr
    assert sql(ch, "SELECT 1") == b"1\n"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_graceful_shutdown_releases_lock_and_keeps_data(tmp_path, sig):
    data_dir = tmp_path / "data"
    with running_server(data_dir=data_dir) as ch:
        sql(ch, "CREATE TABLE kept (n UInt64) ENGINE = MergeTree ORDER BY n")
        sql(ch, "INSERT INTO kept SELECT number FROM numbers(1000)")
        ch.process.send_signal(sig)
        assert ch.process.wait(timeout=30) == 0
        assert "stopped" in ch.log_text()
    # the lock is free again and the data is on disk
    with running_server(data_dir=data_dir) as ch:
        assert sql(ch, "SELECT count(), sum(n) FROM kept") == b"1000\t499500\n"
