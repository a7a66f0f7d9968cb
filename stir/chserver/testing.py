"""Start a real server as a subprocess for tests: `with running_server() as ch: ...`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RunningServer:
    host: str
    port: int
    data_dir: Path
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


_SERVER_ONLY_ENV = frozenset({"STIR_CH_USER", "STIR_CH_PASSWORD", "STIR_CH_USERS_FILE", "STIR_CH_MAX_MEMORY_USAGE",
                              "STIR_CH_MAX_EXECUTION_TIME", "STIR_CH_MAX_BODY_SIZE", "STIR_CH_REMOTE_URL_ALLOW_HOSTS"})


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_ports(n: int, host: str = "127.0.0.1") -> list[int]:
    """n distinct free ports (all bound at once, so none repeats)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind((host, 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _ping(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/ping", timeout=1) as resp:
            return resp.status == 200 and resp.read() == b"Ok.\n"
    except (urllib.error.URLError, OSError):
        return False


def stop_process(process: subprocess.Popen, timeout: float = 15) -> bool:
    """SIGTERM, then SIGKILL after `timeout`; True when it stopped on its own."""
    if process.poll() is not None:
        return True
    process.terminate()
    try:
        process.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
        return False


@contextmanager
def running_server(data_dir: str | Path | None = None, port: int | None = None, startup_timeout: float = 30,
                   host: str = "127.0.0.1", log_level: str = "INFO",
                   extra_args: tuple[str, ...] = (), env: dict[str, str] | None = None) -> Iterator[RunningServer]:
    """A server on `port` (a free one when None) over `data_dir` (a temp dir, removed
    afterwards, when None). Its stderr goes to a log file whose tail is shown when
    startup fails. Credentials and limits come only from `extra_args`/`env`, never from
    the caller's environment (a sourced stack.env must not turn test servers
    authenticated): by default user `default` without a password."""
    own_dir = data_dir is None
    data_path = Path(tempfile.mkdtemp(prefix="chserver-")) if own_dir else Path(data_dir)
    data_path.mkdir(parents=True, exist_ok=True)
    port = port or free_port(host)
    log_path = Path(tempfile.mkstemp(prefix="chserver-", suffix=".log")[1])
    cmd = [sys.executable, "-m", "stir.chserver", "--host", host, "--port", str(port),
           "--data-dir", str(data_path), "--log-level", log_level, *extra_args]
    env = {k: v for k, v in os.environ.items() if k not in _SERVER_ONLY_ENV} | dict(env or {})
    repo_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = repo_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, env=env)
    server = RunningServer(host, port, data_path, process, log_path)
    try:
        deadline = time.monotonic() + startup_timeout
        while not _ping(server.url):
            if process.poll() is not None:
                raise RuntimeError(f"chserver exited with {process.returncode} during startup:\n"
                                   f"{server.log_text()[-4000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"chserver not answering /ping on {server.url} after {startup_timeout}s:\n"
                                   f"{server.log_text()[-4000:]}")
            time.sleep(0.05)
        yield server
    finally:
        t0 = time.monotonic()
        if not stop_process(process):
            sys.stderr.write(f"chserver on {server.url} ignored SIGTERM and was killed; log tail:\n"
                             f"{server.log_text()[-3000:]}\n")
        elif time.monotonic() - t0 > 5:
            sys.stderr.write(f"chserver on {server.url} took {time.monotonic() - t0:.1f} s to stop; log tail:\n"
                             f"{server.log_text()[-1500:]}\n")
        if own_dir:
            shutil.rmtree(data_path, ignore_errors=True)
        log_path.unlink(missing_ok=True)
