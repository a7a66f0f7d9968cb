"""PostgreSQL side of a sync: lock, clean up, load a staging table, publish it, drop the retired one.

    1. pg_try_advisory_lock per table (sync and rollback share it): a second run skips at once.
    2. Leftovers of earlier runs (<table>__new_*, __old_*) are dropped - only under that lock.
    3. One transaction creates the staging table (LIKE the live one) and fills it: COPY ... FREEZE
       straight from the files (typed path), or file by file through a temp table when the files
       are JSON lines or an enrichment must be joined in. COPY text format reads TabSeparated
       exactly; JSON lines are read with a quote/delimiter that cannot occur in them, so
       backslashes survive. Then the live table's constraints and indexes are built under
       per-load names.
    4. swap.publish: guards + renames in one short transaction.
    5. The retired backup is dropped only after that commit, so a backup always exists.
"""

from __future__ import annotations

import logging
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from stir.sync import chtypes, enrich, export, pgmeta, swap
from stir.sync.errors import SyncError, SyncRefused, SyncSkipped
from stir.sync.names import TableNames, new_uniq, qi, ql, qn
from stir.sync.settings import SyncSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadRequest:
    names: TableNames
    paths: tuple[str, ...]          # the export's files on the PostgreSQL server's filesystem (one str: one file)
    fmt: str                        # "typed" (TabSeparated) or "json" (JSONEachRow)
    columns: list[str]              # the file's columns, in order
    expected_rows: int
    enrichment: str | None = None
    min_ratio: float = 0.5
    allow_shrink: bool = False
    freshness: dict | None = None   # mart, built_at, dag_id, run_id: recorded in the swap (stir.sync.freshness)

    def __post_init__(self) -> None:
        if isinstance(self.paths, str):
            object.__setattr__(self, "paths", (self.paths,))
        if not self.paths:
            raise ValueError(f"{self.names.qualified}: no file to load")


@dataclass
class LoadResult:
    table: str
    rows: int
    live_rows_before: int
    swap_attempts: int
    steps: dict[str, float] = field(default_factory=dict)


class TableLock:
    """Session-level advisory lock on one table, held across the load and the swap."""

    def __init__(self, conn, names: TableNames, purpose: str):
        self.conn, self.names, self.purpose = conn, names, purpose

    def __enter__(self) -> TableLock:
        cur = self.conn.cursor()
        cur.execute("SELECT pg_try_advisory_lock(hashtext('stir.sync'), hashtext(%s))", (self.names.lock_key(),))
        if not cur.fetchone()[0]:
            cur.execute("""SELECT a.pid, a.application_name, a.backend_start FROM pg_locks l
                           JOIN pg_stat_activity a ON a.pid = l.pid
                           WHERE l.locktype = 'advisory' AND l.granted
                             AND l.classid = hashtext('stir.sync')::oid AND l.objid = hashtext(%s)::oid
                             AND l.objsubid = 2""", (self.names.lock_key(),))
            holder = cur.fetchone()
            who = f" (backend pid {holder[0]} '{holder[1]}', connected since {holder[2]:%H:%M:%S})" if holder else ""
            raise SyncSkipped(f"{self.names.qualified}: another sync or rollback is running{who}; "
                              f"this {self.purpose} skipped without changing anything")
        return self

    def __exit__(self, *exc) -> None:
        if not self.conn.closed:
            cur = self.conn.cursor()
            if self.conn.get_transaction_status() != 0:  # not idle: leave any aborted transaction first
                cur.execute("ROLLBACK")
            cur.execute("SELECT pg_advisory_unlock(hashtext('stir.sync'), hashtext(%s))", (self.names.lock_key(),))


def prepare_session(conn, settings: SyncSettings, application: str) -> None:
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET statement_timeout = %s", (f"{settings.load_timeout_s}s",))
    cur.execute("SET application_name = %s", (application[:63],))
    cur.execute("SET maintenance_work_mem = %s", (settings.maintenance_work_mem,))


def drop_leftovers(conn, names: TableNames, settings: SyncSettings, progress: Callable[[str], None]) -> list[str]:
    cur = conn.cursor()
    cur.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind = 'r' AND c.relname LIKE %s",
                (names.schema, names.table + "%"))
    leftovers = sorted(r[0] for r in cur.fetchall() if names.is_leftover(r[0]))
    for name in leftovers:
        progress(f"dropping leftover {names.schema}.{name} from an earlier run")
        swap.drop_quietly(conn, names.schema, name, settings, progress)
    return leftovers


def check_live(cur, names: TableNames, req: LoadRequest, enrichment: enrich.Enrichment | None) -> int:
    live_oid = pgmeta.oid(cur, names.schema, names.table)
    if live_oid is None:
        raise SyncError(f"{names.qualified} does not exist; apply the migrations first (stir migrate)")
    found = pgmeta.problems(cur, live_oid)
    if found:
        raise SyncRefused(f"{names.qualified} cannot be swapped safely: {'; '.join(found)}")
    filled = enrichment.filled if enrichment else frozenset()
    expected = [c for c, _ in pgmeta.columns(cur, live_oid) if c not in filled]
    if expected != list(req.columns):
        raise SyncRefused(f"{names.qualified}: the export has columns {req.columns} but the table now needs "
                          f"{expected}; re-run the export. Live table unchanged.")
    return live_oid


def copy_source(path: str) -> str:
    """What COPY reads: the file, or a compressed export through `gzip -dc` on the server."""
    if export.is_compressed(path):
        return "PROGRAM " + ql("gzip -dc -- " + shlex.quote(path))
    return ql(path)


def fill(cur, names: TableNames, staging: str, req: LoadRequest, live_oid: int,
         enrichment: enrich.Enrichment | None, progress: Callable[[str], None] | None = None) -> int:
    """COPY the files into the staging table (created in this transaction); returns rows inserted."""
    target = qn(names.schema, staging)
    cols = ", ".join(qi(c) for c in req.columns)
    types = dict(pgmeta.columns(cur, live_oid))
    if req.fmt == "typed" and enrichment is None:
        return _copy_all(cur, req, progress, f"COPY {target} ({cols})", "WITH (FORMAT text, FREEZE)")
    if req.fmt == "typed":
        cur.execute(f"CREATE TEMP TABLE _stir_in ON COMMIT DROP AS SELECT {cols} FROM {target} WITH NO DATA")
        copy_into, options, temp = f"COPY _stir_in ({cols})", "WITH (FORMAT text, FREEZE)", "_stir_in"
        source = "_stir_in s"
    elif req.fmt == "json":
        cur.execute("CREATE TEMP TABLE _stir_json (data jsonb) ON COMMIT DROP")
        # CSV with quote/delimiter bytes JSON never contains raw: each line arrives intact.
        copy_into, options, temp = ("COPY _stir_json (data)",
                                    "WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02', FREEZE)", "_stir_json")
        casts = ", ".join(f"{chtypes.json_cast(c, types[c])} AS {qi(c)}" for c in req.columns)
        source = f"(SELECT {casts} FROM _stir_json) s"
    else:
        raise ValueError(f"unknown format {req.fmt!r}")
    select = [f"s.{qi(c)}" for c in req.columns]
    insert_cols = list(req.columns)
    join = ""
    if enrichment is not None:
        select += [expr for _, expr in enrichment.columns]
        insert_cols += [col for col, _ in enrichment.columns]
        join = " " + enrichment.join_sql()
    insert = (f"INSERT INTO {target} ({', '.join(qi(c) for c in insert_cols)}) "
              f"SELECT {', '.join(select)} FROM {source}{join}")
    # One file at a time through the temp table: every row is joined on its own (the
    # enrichment keys are unique), so the result is the one-shot INSERT's, while the temp
    # table never holds more than one file. TRUNCATE of a table created in this transaction
    # empties it in place, giving the disk back at once (the 1M leaderboard's 20M rows would
    # otherwise sit on disk twice until COMMIT).
    def insert_then_truncate() -> int:
        cur.execute(insert)
        rows = cur.rowcount
        cur.execute(f"TRUNCATE {temp}")
        return rows

    return _copy_all(cur, req, progress, copy_into, options, then=insert_then_truncate)


def _copy_all(cur, req: LoadRequest, progress: Callable[[str], None] | None, copy_into: str, options: str,
              then: Callable[[], int] | None = None) -> int:
    """One COPY per file of the export, all in the caller's transaction; `then` (if any) moves
    each file's rows on and returns how many reached the staging table."""
    total = 0
    for n, path in enumerate(req.paths, 1):
        cur.execute(f"{copy_into} FROM {copy_source(path)} {options}")
        rows = cur.rowcount if then is None else then()
        total += rows
        if progress and len(req.paths) > 1:
            verb = "copied" if then is None else "loaded"
            progress(f"{verb} file {n}/{len(req.paths)} ({rows} rows, {total} so far)")
    return total


def _build_indexes(cur, names: TableNames, staging: str, uniq: str, live_oid: int) -> list[tuple[str, str]]:
    renames = []
    for n, index in enumerate(pgmeta.indexes(cur, live_oid)):
        staged = names.index(uniq, str(n))
        cur.execute(index.create_on(names.schema, staging, staged))
        renames.append((staged, index.name))
    for conname, definition in pgmeta.foreign_keys(cur, live_oid):
        cur.execute(f"ALTER TABLE {qn(names.schema, staging)} ADD CONSTRAINT {qi(conname)} {definition}")
    return renames


def sync_table(conn, req: LoadRequest, settings: SyncSettings,
               progress: Callable[[str], None] = log.info) -> LoadResult:
    """Load the file and publish it; raises SyncSkipped / SyncRefused / psycopg2 errors."""
    names = req.names
    enrichment = enrich.get(req.enrichment)
    prepare_session(conn, settings, f"stir sync {names.qualified}")
    steps: dict[str, float] = {}
    with TableLock(conn, names, "sync"):
        drop_leftovers(conn, names, settings, progress)
        uniq = new_uniq()
        staging = names.staging(uniq)
        cur = conn.cursor()
        started = time.perf_counter()
        cur.execute("BEGIN")
        try:
            live_oid = check_live(cur, names, req, enrichment)
            cur.execute(f"CREATE TABLE {qn(names.schema, staging)} (LIKE {qn(names.schema, names.table)} "
                        "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE "
                        "INCLUDING COMPRESSION INCLUDING COMMENTS INCLUDING STATISTICS)"
                        + pgmeta.storage_options(cur, live_oid))
            loaded = fill(cur, names, staging, req, live_oid, enrichment, progress)
            steps["copy"] = time.perf_counter() - started
            progress(f"loaded {loaded} rows into {names.schema}.{staging} in {steps['copy']:.1f}s")
            swap.check_guards(names, swap.Guards(req.expected_rows, req.min_ratio, allow_shrink=True),
                              loaded, 0)
            mark = time.perf_counter()
            renames = _build_indexes(cur, names, staging, uniq, live_oid)
            steps["indexes"] = time.perf_counter() - mark
            cur.execute("COMMIT")
        except BaseException:
            if not conn.closed:
                cur.execute("ROLLBACK")
            raise
        progress(f"built {len(renames)} indexes/constraints in {steps['indexes']:.1f}s")
        mark = time.perf_counter()
        guards = swap.Guards(req.expected_rows, req.min_ratio, req.allow_shrink)
        try:
            result = swap.publish(conn, names, staging, renames, uniq, guards, settings, progress,
                                  record=_freshness_recorder(names, req))
        except BaseException:
            if not conn.closed and conn.get_transaction_status() == 0:
                swap.drop_quietly(conn, names.schema, staging, settings, progress)
            raise
        steps["swap"] = time.perf_counter() - mark
        if result.retired:
            swap.drop_quietly(conn, names.schema, result.retired, settings, progress)
    return LoadResult(names.qualified, result.rows, result.live_rows_before, result.attempts, steps)


def _freshness_recorder(names: TableNames, req: LoadRequest):
    if req.freshness is None:
        return None
    from stir.sync import freshness

    def record(cur, rows: int) -> None:
        freshness.record(cur, table=names.qualified, rows=rows, **req.freshness)
    return record


def vacuum_analyze(conn, names: TableNames, settings: SyncSettings) -> None:
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET statement_timeout = %s", (f"{settings.vacuum_timeout_s}s",))
    cur.execute(f"VACUUM ANALYZE {qn(names.schema, names.table)}")
