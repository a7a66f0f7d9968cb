"""The partial post-ranking path: replace a few profiles' rows in a served table, not the table.

The post_ranker_partial tier re-ranks every 15 minutes the profiles / channels that posted in
the last hours (the `*_partial` marts, ReplacingMergeTree with `ranked_at`). A whole-table swap
of those marts would drop every profile that is not hot, so they are published per key:

export   each key's rows of its latest `ranked_at` (FINAL: one row per mart key), only for keys
         ranked after the full mart was built: older partial rows must never overwrite a newer
         full run that the full sync has published since. Nothing newer: the run skips.
upsert   under the per-table advisory lock the full sync and rollback take, in ONE transaction:
         a staging table (LIKE the live one) filled by COPY, the row-count guard, then
         DELETE the staged keys' live rows and INSERT the staged rows, and the freshness row
         `<table>#partial`. Any error or refusal rolls back: the live table is never half-updated.

The full sync (every post_ranker run) still swaps the whole table; the next partial cycle
re-applies whatever was ranked after that full build.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from stir.sync import load, swap
from stir.sync.errors import SyncRefused
from stir.sync.export import ch_ident
from stir.sync.names import new_uniq, qi, qn
from stir.sync.settings import SyncSettings

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = "_partial"
FRESHNESS_SUFFIX = "#partial"


def full_mart(partial_mart: str) -> str:
    """The full-tier mart a partial mart mirrors (mart_x_partial -> mart_x)."""
    if not partial_mart.endswith(PARTIAL_SUFFIX):
        raise ValueError(f"{partial_mart!r} is not a partial mart (no {PARTIAL_SUFFIX} suffix)")
    return partial_mart.removesuffix(PARTIAL_SUFFIX)


def latest_rows_where(mart: str, key: str, newer_than: dt.datetime | None, database: str = "dbt") -> str:
    """WHERE clause: each key's rows of its latest ranking, if ranked after `newer_than`.

    Rows of posts that left a profile's recent window keep an older ranked_at until merged
    away; the latest ranked_at is the profile's complete current set (one INSERT, one now()).
    """
    relation = f"{ch_ident(database)}.{ch_ident(mart)}"
    having = f" HAVING max(ranked_at) > toDateTime({int(newer_than.timestamp())})" if newer_than else ""
    return (f"({ch_ident(key)}, ranked_at) IN (SELECT {ch_ident(key)}, max(ranked_at) "
            f"FROM {relation} FINAL GROUP BY {ch_ident(key)}{having})")


@dataclass(frozen=True)
class UpsertResult:
    table: str
    keys: int
    deleted: int
    inserted: int
    seconds: float


def upsert_rows(conn, req: load.LoadRequest, key: str, settings: SyncSettings,
                progress: Callable[[str], None] = log.info) -> UpsertResult:
    """Replace the live rows of every key in the file by the file's rows; all or nothing."""
    names = req.names
    load.prepare_session(conn, settings, f"stir upsert {names.qualified}")
    started = time.perf_counter()
    with load.TableLock(conn, names, "partial upsert"):
        load.drop_leftovers(conn, names, settings, progress)
        staging = names.staging(new_uniq())
        live, staged = qn(names.schema, names.table), qn(names.schema, staging)
        cur = conn.cursor()
        cur.execute("BEGIN")
        try:
            live_oid = load.check_live(cur, names, req, None)
            cur.execute(f"CREATE TABLE {staged} (LIKE {live} INCLUDING DEFAULTS)")
            loaded = load.fill(cur, names, staging, req, live_oid, None, progress)
            swap.check_guards(names, swap.Guards(req.expected_rows, allow_shrink=True), loaded, 0)
            cur.execute(f"SELECT count(DISTINCT {qi(key)}) FROM {staged}")
            keys = cur.fetchone()[0]
            cur.execute("SET LOCAL lock_timeout = %s", (f"{settings.lock_timeout_ms}ms",))
            cur.execute(f"DELETE FROM {live} WHERE {qi(key)} IN (SELECT {qi(key)} FROM {staged})")
            deleted = cur.rowcount
            cols = ", ".join(qi(c) for c in req.columns)
            cur.execute(f"INSERT INTO {live} ({cols}) SELECT {cols} FROM {staged}")
            inserted = cur.rowcount
            if inserted != loaded:
                raise SyncRefused(f"{names.qualified}: inserted {inserted} of {loaded} staged rows. "
                                  "Live table unchanged.")
            if req.freshness is not None:
                from stir.sync import freshness

                freshness.record(cur, table=names.qualified + FRESHNESS_SUFFIX, rows=inserted, **req.freshness)
            cur.execute(f"DROP TABLE {staged}")
            cur.execute("COMMIT")
        except BaseException:
            if not conn.closed:
                cur.execute("ROLLBACK")
            raise
    seconds = time.perf_counter() - started
    progress(f"upserted {keys} keys of {names.qualified}: {deleted} rows out, {inserted} in ({seconds:.1f}s)")
    return UpsertResult(names.qualified, keys, deleted, inserted, seconds)
