"""The one on-disk chDB engine this process owns.

chDB shares one engine between all `connect()` calls on the same directory inside a
process, while each connection is its own session (USE, SET, temporary tables), so
a connection is the unit of isolation the HTTP layer hands out."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import chdb

LOCK_NAME = "chserver.lock"


class DataDirBusy(RuntimeError):
    pass


class DataDirLock:
    """flock held for the process lifetime; the kernel drops it if the process dies,
    so a crashed server never leaves a stale lock behind."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / LOCK_NAME
        self.fd: int | None = None

    def acquire(self) -> None:
        if self.fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise DataDirBusy(
                f"data directory {self.path.parent} is already used by another server (pid {owner})"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


class Engine:
    def __init__(self, data_dir: Path, max_memory_usage: int = 0):
        self.data_dir = Path(data_dir).resolve()
        # default per-query memory cap (bytes, 0 = none); a request's own setting wins
        self.max_memory_usage = max_memory_usage
        self.lock = DataDirLock(self.data_dir)
        self._anchor = None  # keeps the engine alive between requests
        self.version = ""
        self.timezone = "UTC"
        self.http_compression_default = False

    def open(self) -> None:
        self.lock.acquire()
        try:
            self._anchor = self.connect()
            row = self._anchor.query("SELECT version(), timezone()", "TabSeparated").bytes()
            self.version, self.timezone = row.decode().strip().split("\t")
            # chDB defaults enable_http_compression to 1 (ClickHouse: 0) and clients read
            # system.settings to decide whether to ask for it, so the engine's value rules.
            value = self._anchor.query("SELECT getSetting('enable_http_compression')", "TabSeparated").bytes()
            self.http_compression_default = value.strip() in (b"1", b"true")
        except BaseException:
            self.lock.release()
            raise

    def connect(self):
        if self.max_memory_usage:
            return chdb.connect(f"file:{self.data_dir}?max_memory_usage={int(self.max_memory_usage)}")
        return chdb.connect(f"file:{self.data_dir}")

    def close(self) -> None:
        if self._anchor is not None:
            self._anchor.close()
            self._anchor = None
        self.lock.release()
