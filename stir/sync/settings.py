"""Sync knobs, read from the environment when a task runs (never at DAG-parse time).

Defaults follow the original DAGs: a 4 h statement timeout for the load, 50 min for
VACUUM ANALYZE, 1000 s for the SSH download.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class SyncSettings:
    load_timeout_s: int
    vacuum_timeout_s: int
    download_timeout_s: int
    lock_timeout_ms: int
    swap_attempts: int
    swap_backoff_s: float
    swap_backoff_max_s: float
    local_dir: str
    downloader: str
    remote_python: str
    prune_after_s: int
    maintenance_work_mem: str
    compression: str
    rows_per_file: int


def current() -> SyncSettings:
    return SyncSettings(
        load_timeout_s=_int("STIR_SYNC_LOAD_TIMEOUT_S", 4 * 3600),
        vacuum_timeout_s=_int("STIR_SYNC_VACUUM_TIMEOUT_S", 50 * 60),
        download_timeout_s=_int("STIR_SYNC_DOWNLOAD_TIMEOUT_S", 1000),
        # Readers queue behind the swap's ACCESS EXCLUSIVE request: this bounds their stall.
        lock_timeout_ms=_int("STIR_SYNC_LOCK_TIMEOUT_MS", 2000),
        swap_attempts=_int("STIR_SYNC_SWAP_ATTEMPTS", 12),
        swap_backoff_s=_float("STIR_SYNC_SWAP_BACKOFF_S", 0.5),
        swap_backoff_max_s=_float("STIR_SYNC_SWAP_BACKOFF_MAX_S", 30.0),
        local_dir=os.environ.get("STIR_SYNC_LOCAL_DIR", "/tmp/stir-sync-files"),
        downloader=os.environ.get("STIR_SYNC_DOWNLOADER", "stir"),
        # The local stack's sshd runs commands with this venv first on PATH; production
        # PostgreSQL hosts set their own interpreter (or use STIR_SYNC_DOWNLOADER=aws).
        remote_python=os.environ.get("STIR_SYNC_REMOTE_PYTHON", "python" if sys.prefix != sys.base_prefix
                                     else "python3"),
        prune_after_s=_int("STIR_SYNC_PRUNE_AFTER_S", 3600),
        # Index builds on the staging table; a session setting, not the server's.
        maintenance_work_mem=os.environ.get("STIR_SYNC_MAINTENANCE_WORK_MEM", "256MB"),
        # gzip: S3 and the download carry a fifth to a tenth of the bytes; PostgreSQL reads the
        # file through `gzip -dc` (COPY FROM PROGRAM: needs pg_execute_server_program).
        compression=os.environ.get("STIR_SYNC_COMPRESSION", "none"),
        # Bigger marts are exported as several objects (stir.sync.export); 0 = always one.
        # ~4M served rows is ~1.2 GB of TSV: what the embedded S3 completes in memory comfortably.
        rows_per_file=_int("STIR_SYNC_ROWS_PER_FILE", 4_000_000),
    )
