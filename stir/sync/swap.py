"""Publishing a loaded table: one short transaction, retried when it cannot get its locks in time.

Inside the transaction: the guards (row counts, table shape), then ACCESS EXCLUSIVE locks
under SET LOCAL lock_timeout, the renames (indexes too, so the live table keeps its index
and constraint names), owner/grants/comment, and dependent views re-created on the new
table. A refusal or any error rolls everything back and the live table stays as it was.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg2
from psycopg2 import errors as pgerrors

from stir.sync import pgmeta
from stir.sync.errors import SyncError, SyncRefused
from stir.sync.names import TableNames, qi, qn
from stir.sync.settings import SyncSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Guards:
    expected_rows: int | None       # the ClickHouse snapshot's count; None skips (rollback)
    min_ratio: float = 0.5
    allow_shrink: bool = False
    allow_empty: bool = False


@dataclass(frozen=True)
class SwapResult:
    live_rows_before: int
    rows: int
    attempts: int
    retired: str | None            # previous backup, to drop after commit


def check_guards(names: TableNames, guards: Guards, new_rows: int, live_rows: int) -> None:
    where = names.qualified
    if guards.expected_rows is not None and new_rows != guards.expected_rows:
        raise SyncRefused(f"{where}: loaded {new_rows} rows but the ClickHouse snapshot has "
                          f"{guards.expected_rows}; the export or download is incomplete. Live table unchanged.")
    if new_rows == 0 and not guards.allow_empty:
        raise SyncRefused(f"{where}: the new snapshot is empty; refusing to publish an empty table. "
                          "Live table unchanged.")
    if (live_rows > 0 and new_rows < guards.min_ratio * live_rows and not guards.allow_shrink):
        raise SyncRefused(f"{where}: the new snapshot has {new_rows} rows, {new_rows / live_rows:.0%} of the live "
                          f"table's {live_rows} (minimum {guards.min_ratio:.0%}); refusing to shrink it. "
                          'Trigger the DAG with conf {"allow_shrink": true} if this is intended. '
                          "Live table unchanged.")


def _count(cur, schema: str, table: str) -> int:
    cur.execute(f"SELECT count(*) FROM {qn(schema, table)}")
    return cur.fetchone()[0]


def _exchange(cur, names: TableNames, incoming: str, index_renames: list[tuple[str, str]], uniq: str,
              guards: Guards) -> tuple[int, int, str | None]:
    """The body of the swap transaction; returns (live rows before, new rows, retired table)."""
    schema, table, backup = names.schema, names.table, names.backup
    live_oid = pgmeta.oid(cur, schema, table)
    incoming_oid = pgmeta.oid(cur, schema, incoming)
    if live_oid is None or incoming_oid is None:
        raise SyncError(f"{names.qualified}: live table or {incoming} is missing")
    if pgmeta.columns(cur, live_oid) != pgmeta.columns(cur, incoming_oid):
        raise SyncRefused(f"{names.qualified}: its columns changed while {incoming} was loaded "
                          "(a migration ran?); re-run the sync. Live table unchanged.")
    new_rows = _count(cur, schema, incoming)
    live_rows = _count(cur, schema, table)
    check_guards(names, guards, new_rows, live_rows)

    backup_oid = pgmeta.oid(cur, schema, backup)
    rolling_back = incoming == backup
    locked = [qn(schema, table), qn(schema, incoming)]
    if backup_oid is not None and not rolling_back:
        locked.append(qn(schema, backup))
    cur.execute(f"LOCK TABLE {', '.join(locked)} IN ACCESS EXCLUSIVE MODE")

    dressing = pgmeta.dressing(cur, live_oid)
    live_indexes = pgmeta.indexes(cur, live_oid)
    retired = None
    if rolling_back:
        parked = names.staging(uniq)
        cur.execute(f"ALTER TABLE {qn(schema, backup)} RENAME TO {qi(parked)}")
        incoming = parked
    elif backup_oid is not None:
        retired = names.retired(uniq)
        cur.execute(f"ALTER TABLE {qn(schema, backup)} RENAME TO {qi(retired)}")
    cur.execute(f"ALTER TABLE {qn(schema, table)} RENAME TO {qi(backup)}")
    for n, index in enumerate(live_indexes):
        cur.execute(f"ALTER INDEX {qn(schema, index.name)} RENAME TO {qi(names.index(uniq, f'b{n}'))}")
    cur.execute(f"ALTER TABLE {qn(schema, incoming)} RENAME TO {qi(table)}")
    for staged, canonical in index_renames:
        cur.execute(f"ALTER INDEX {qn(schema, staged)} RENAME TO {qi(canonical)}")
    pgmeta.dress(cur, schema, table, incoming_oid, dressing)
    return live_rows, new_rows, retired


def publish(conn, names: TableNames, incoming: str, index_renames: list[tuple[str, str]], uniq: str,
            guards: Guards, settings: SyncSettings, progress: Callable[[str], None] = log.info,
            record: Callable[..., None] | None = None) -> SwapResult:
    """Run the swap transaction, retrying (bounded, exponential backoff) on lock timeouts.

    `record(cur, new_rows)` runs inside the transaction, after the exchange (freshness metadata).
    """
    delay = settings.swap_backoff_s
    for attempt in range(1, settings.swap_attempts + 1):
        cur = conn.cursor()
        try:
            cur.execute("BEGIN")
            cur.execute("SET LOCAL lock_timeout = %s", (f"{settings.lock_timeout_ms}ms",))
            # Captured view definitions come back schema-qualified under this search_path.
            cur.execute("SET LOCAL search_path = pg_catalog")
            live_rows, new_rows, retired = _exchange(cur, names, incoming, index_renames, uniq, guards)
            if record is not None:
                record(cur, new_rows)
            cur.execute("COMMIT")
            progress(f"swapped {names.qualified}: {live_rows} -> {new_rows} rows (attempt {attempt})")
            return SwapResult(live_rows, new_rows, attempt, retired)
        except pgerrors.LockNotAvailable:
            cur.execute("ROLLBACK")
            if attempt == settings.swap_attempts:
                break
            wait = min(delay, settings.swap_backoff_max_s) * (0.75 + random.random() / 2)
            progress(f"swap of {names.qualified} hit lock_timeout {settings.lock_timeout_ms}ms "
                     f"(attempt {attempt}/{settings.swap_attempts}); long-running readers? retrying in {wait:.1f}s")
            time.sleep(wait)
            delay *= 2
        except BaseException:
            if not conn.closed:
                try:
                    cur.execute("ROLLBACK")
                except psycopg2.Error:
                    pass
            raise
        finally:
            cur.close()
    raise SyncError(f"{names.qualified}: could not lock the table for the swap in {settings.swap_attempts} "
                    f"attempts of {settings.lock_timeout_ms}ms (a transaction keeps it open?). "
                    "Live table unchanged; the loaded snapshot is cleaned up by the next run.")


def drop_quietly(conn, schema: str, table: str, settings: SyncSettings,
                 progress: Callable[[str], None] = log.info) -> bool:
    """Drop a retired or leftover table after the swap committed; failing here never fails the sync."""
    cur = conn.cursor()
    try:
        cur.execute("BEGIN")
        cur.execute("SET LOCAL lock_timeout = %s", (f"{settings.lock_timeout_ms}ms",))
        cur.execute(f"DROP TABLE IF EXISTS {qn(schema, table)}")
        cur.execute("COMMIT")
        return True
    except psycopg2.Error as exc:
        cur.execute("ROLLBACK")
        progress(f"could not drop {schema}.{table} yet ({exc.pgerror or exc}); the next run retries")
        return False
    finally:
        cur.close()
