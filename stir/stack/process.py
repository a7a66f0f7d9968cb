"""Detached processes tracked by pid files that also record the start time.

The start time guards against PID reuse: a pid file whose PID now belongs to another
process is treated as stale instead of letting `down` signal a stranger.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class PidRecord:
    pid: int
    create_time: float
    argv: list[str]
    port: int | None = None

    def process(self) -> psutil.Process | None:
        """The live process this record names, or None when it exited or the PID was reused."""
        try:
            proc = psutil.Process(self.pid)
            if abs(proc.create_time() - self.create_time) > 0.5:
                return None
            if proc.status() == psutil.STATUS_ZOMBIE:
                return None
            return proc
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return None


def read_pid(path: Path) -> PidRecord | None:
    try:
        data = json.loads(path.read_text())
        return PidRecord(**data)
    except (FileNotFoundError, ValueError, TypeError):
        return None


def write_pid(path: Path, record: PidRecord) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(record)))
    tmp.replace(path)


def live_record(path: Path) -> PidRecord | None:
    """The pid file's record if its process still runs; a stale file is removed."""
    record = read_pid(path)
    if record is None:
        if path.exists():
            path.unlink(missing_ok=True)
        return None
    if record.process() is None:
        path.unlink(missing_ok=True)
        return None
    return record


def spawn(
    argv: Sequence[str],
    *,
    log_file: Path,
    env: Mapping[str, str],
    cwd: Path | None = None,
    user: str | None = None,
    port: int | None = None,
) -> PidRecord:
    """Start argv in its own session (survives the CLI exiting), output appended to log_file."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        log.write(f"\n--- {time.strftime('%Y-%m-%dT%H:%M:%S')} starting: {' '.join(argv)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env),
            cwd=str(cwd) if cwd else None,
            start_new_session=True,
            close_fds=True,
            user=user,
        )
    return PidRecord(proc.pid, psutil.Process(proc.pid).create_time(), list(argv), port)


def stop(record: PidRecord, *, sig: int = signal.SIGTERM, timeout: float = 15.0) -> bool:
    """Signal the process, wait, then SIGKILL it and anything left in its process group.

    Returns True when something was running.
    """
    proc = record.process()
    if proc is None:
        return False
    # Children (postgres backends, worker processes) share the session created at
    # spawn, whose group id is the leader's PID; descendants that started their own
    # group (Airflow's task supervisors) are collected through the process tree.
    group = _group_members(record.pid)
    try:
        seen = {p.pid for p in group}
        group += [c for c in proc.children(recursive=True) if c.pid not in seen]
    except psutil.NoSuchProcess:
        pass

    def gone() -> bool:
        return record.process() is None  # a zombie counts as gone: PID 1 reaps it later

    try:
        proc.send_signal(sig)
        if not wait_until(gone, timeout, interval=0.05):
            proc.kill()
            wait_until(gone, 5, interval=0.05)
    except psutil.NoSuchProcess:
        pass
    killed = []
    for child in group:
        try:
            if child.pid != record.pid and child.is_running() and child.status() != psutil.STATUS_ZOMBIE:
                child.kill()
                killed.append(child)
        except psutil.NoSuchProcess:
            pass
    # SIGKILL is asynchronous: wait until they are gone (or zombies) so the ports are free.
    wait_until(lambda: not any(_alive(c) for c in killed), 10, interval=0.05)
    return True


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _group_members(pgid: int) -> list[psutil.Process]:
    members = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid:
                members.append(proc)
        except (ProcessLookupError, PermissionError, psutil.NoSuchProcess):
            continue
    return members


def wait_until(check: Callable[[], bool], timeout: float, *, alive: Callable[[], bool] | None = None,
               interval: float = 0.1) -> bool:
    """Poll check() until it is true, the timeout passes, or alive() reports the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except Exception:  # a probe failing just means "not yet"
            pass
        if alive is not None and not alive():
            return False
        time.sleep(interval)
    return False


def tail(path: Path, lines: int = 30) -> str:
    try:
        content = path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return f"(no log at {path})"
    return "\n".join(content[-lines:])
