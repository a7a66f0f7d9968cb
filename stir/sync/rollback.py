"""`stir rollback <table>`: swap <table>_old_bkp back in, atomically and with the sync's hygiene.

The live and backup tables trade places (so a second rollback undoes the first), under the
same advisory lock, lock_timeout + retries, grants/comment/owner, dependent views and index
names as a sync's swap. The backup's indexes get the live names by matching definitions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from stir.sync import pgmeta, swap
from stir.sync.errors import SyncError
from stir.sync.load import TableLock, prepare_session
from stir.sync.names import TableNames, new_uniq
from stir.sync.settings import SyncSettings

log = logging.getLogger(__name__)


def index_renames(live: list[pgmeta.Index], backup: list[pgmeta.Index]) -> list[tuple[str, str]]:
    """(backup index, live name) pairs, matched by name-free definition."""
    pending: dict[tuple[str, str], list[str]] = {}
    for index in backup:
        pending.setdefault(index.shape(), []).append(index.name)
    renames, unmatched = [], []
    for index in live:
        candidates = pending.get(index.shape())
        if candidates:
            renames.append((candidates.pop(0), index.name))
        else:
            unmatched.append(index.name)
    leftover = [name for names in pending.values() for name in names]
    if unmatched or leftover:
        raise SyncError(f"the backup's indexes do not match the live table's (live only: {unmatched}, "
                        f"backup only: {leftover}); refusing to roll back")
    return renames


def rollback(conn, names: TableNames, settings: SyncSettings,
             progress: Callable[[str], None] = log.info) -> swap.SwapResult:
    prepare_session(conn, settings, f"stir rollback {names.qualified}")
    with TableLock(conn, names, "rollback"):
        cur = conn.cursor()
        live_oid = pgmeta.oid(cur, names.schema, names.table)
        backup_oid = pgmeta.oid(cur, names.schema, names.backup)
        if live_oid is None or backup_oid is None:
            raise SyncError(f"{names.qualified}: nothing to roll back to ({names.backup} "
                            f"{'missing' if backup_oid is None else 'present'}, live "
                            f"{'missing' if live_oid is None else 'present'})")
        renames = index_renames(pgmeta.indexes(cur, live_oid), pgmeta.indexes(cur, backup_oid))
        guards = swap.Guards(expected_rows=None, allow_shrink=True, allow_empty=True)
        result = swap.publish(conn, names, names.backup, renames, new_uniq(), guards, settings, progress)
    progress(f"rolled back {names.qualified}: now {result.rows} rows "
             f"(the {result.live_rows_before} rows it replaced are in {names.backup})")
    return result
