"""The PostgreSQL side on a generic table: lock timeouts, killed runs, concurrent runs, views,
grants, rollback, and 100 swaps under readers. Files are written here the way the export
writes them (TabSeparated) so each test controls exactly what a snapshot holds."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from stir.sync import load, settings
from stir.sync.errors import SyncSkipped
from stir.sync.names import TableNames

PROBE = TableNames("public", "probe")


@pytest.fixture
def files(stack_env) -> Path:
    return Path(stack_env["STIR_SYNC_LOCAL_DIR"])


@pytest.fixture
def probe(pg):
    pg.execute("DROP VIEW IF EXISTS probe_summary; DROP TABLE IF EXISTS probe, probe_old_bkp CASCADE")
    pg.execute("""CREATE TABLE probe (k bigint NOT NULL, version integer NOT NULL, note text,
                                      CONSTRAINT probe_pkey PRIMARY KEY (k));
                  CREATE INDEX probe_version_idx ON probe (version);
                  COMMENT ON TABLE probe IS 'generic sync target';
                  GRANT SELECT ON probe TO stir_reader;
                  INSERT INTO probe SELECT g, 0, 'v0' FROM generate_series(1, 1000) g;""")
    return pg


def snapshot(files: Path, version: int, rows: int | None = None) -> tuple[str, int]:
    """A TSV export of snapshot `version`: 1000 + version rows, all carrying that version."""
    n = rows if rows is not None else 1000 + version
    path = files / f"probe-{version}-{n}.tsv"
    path.write_text("".join(f"{k}\t{version}\tv{version} \\\\ \\t\n" for k in range(1, n + 1)))
    path.chmod(0o644)
    return str(path), n


def sync_probe(pg, path: str, rows: int, progress=lambda _: None, **kw):
    req = load.LoadRequest(PROBE, path, "typed", ["k", "version", "note"], rows, **kw)
    conn = pg.connect()
    try:
        return load.sync_table(conn, req, settings.current(), progress)
    finally:
        conn.close()


def wait_until(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_view_grant_comment_follow_and_rollback_restores(probe, files):
    probe.execute("CREATE VIEW probe_summary AS SELECT version, count(*) AS n FROM probe GROUP BY version")
    probe.execute("GRANT SELECT ON probe_summary TO stir_reader")
    oid_v0 = probe.scalar("SELECT 'probe'::regclass::oid")
    sync_probe(probe, *snapshot(files, 1))
    assert probe.rows("SELECT version, n FROM probe_summary") == [(1, 1001)]
    assert probe.scalar("SELECT has_table_privilege('stir_reader', 'probe', 'SELECT')")
    assert probe.scalar("SELECT obj_description('probe'::regclass, 'pg_class')") == "generic sync target"
    assert probe.scalar("SELECT 'probe_old_bkp'::regclass::oid") == oid_v0
    assert probe.rows("SELECT note FROM probe LIMIT 1") == [("v1 \\ \t",)]
    indexes = {r[0] for r in probe.rows("SELECT indexname FROM pg_indexes WHERE tablename = 'probe'")}
    assert indexes == {"probe_pkey", "probe_version_idx"}
    assert probe.scalar("SELECT conname FROM pg_constraint WHERE conrelid = 'probe'::regclass AND contype = 'p'") \
        == "probe_pkey"

    sync_probe(probe, *snapshot(files, 2))
    assert probe.rows("SELECT version, n FROM probe_summary") == [(2, 1002)]
    assert probe.rows("SELECT DISTINCT version FROM probe_old_bkp") == [(1,)]
    assert probe.scalar("SELECT count(*) FROM pg_class WHERE relname LIKE 'probe\\_\\_%'") == 0

    out = subprocess.run([sys.executable, "-m", "stir.cli", "rollback", "probe", "--dsn", probe.dsn],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "rolled back public.probe: now 1001 rows" in out.stdout
    assert probe.rows("SELECT version, n FROM probe_summary") == [(1, 1001)]
    assert probe.rows("SELECT DISTINCT version FROM probe_old_bkp") == [(2,)]
    assert probe.scalar("SELECT has_table_privilege('stir_reader', 'probe', 'SELECT')")
    indexes = {r[0] for r in probe.rows("SELECT indexname FROM pg_indexes WHERE tablename = 'probe'")}
    assert indexes == {"probe_pkey", "probe_version_idx"}


def test_storage_parameters_survive_the_swap(probe, files):
    """fillfactor / autovacuum settings (also the TOAST table's) live on the table's OID; LIKE does
    not copy them, so the staging table is created WITH the live table's."""
    probe.execute("ALTER TABLE probe SET (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.01, "
                  "toast.autovacuum_enabled = false)")
    oid_v0 = probe.scalar("SELECT 'probe'::regclass::oid")
    sync_probe(probe, *snapshot(files, 1))
    assert probe.scalar("SELECT 'probe'::regclass::oid") != oid_v0
    assert probe.scalar("SELECT reloptions FROM pg_class WHERE oid = 'probe'::regclass") == [
        "fillfactor=80", "autovacuum_vacuum_scale_factor=0.01"]
    assert probe.scalar("SELECT t.reloptions FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid "
                        "WHERE c.oid = 'probe'::regclass") == ["autovacuum_enabled=false"]


def test_long_reader_makes_swap_retry_without_blocking_other_readers(probe, files):
    path, n = snapshot(files, 3)
    reader = probe.connect(autocommit=False)
    reader.cursor().execute("SELECT count(*) FROM probe")          # holds ACCESS SHARE until it ends
    messages: list[str] = []
    result: dict = {}
    worker = threading.Thread(target=lambda: result.setdefault("r", sync_probe(probe, path, n, messages.append)))
    worker.start()
    try:
        wait_until(lambda: any("hit lock_timeout" in m for m in messages), what="the swap to hit lock_timeout")
        # Another reader is not stuck behind the waiting swap for longer than its lock_timeout:
        # it completes while the long transaction is still open.
        other = threading.Thread(target=lambda: result.setdefault(
            "other", probe.scalar("SELECT count(*) FROM probe")))
        other.start()
        other.join(30)
        assert not other.is_alive() and result["other"] == 1000
        assert probe.rows("SELECT DISTINCT version FROM probe") == [(0,)]   # not swapped yet
    finally:
        reader.rollback()
        reader.close()
    worker.join(60)
    assert result["r"].swap_attempts > 1
    assert probe.rows("SELECT DISTINCT version FROM probe") == [(3,)]


def test_run_killed_between_load_and_swap_is_cleaned_up_next_time(probe, files):
    path, n = snapshot(files, 4)
    before = (probe.scalar("SELECT 'probe'::regclass::oid"), probe.scalar("SELECT count(*) FROM probe"))
    script = textwrap.dedent(f"""
        import os, signal, psycopg2
        from stir.sync import load, settings
        from stir.sync.names import TableNames
        def die(msg):
            if msg.startswith("built"):
                os.kill(os.getpid(), signal.SIGKILL)
        conn = psycopg2.connect({probe.dsn!r})
        req = load.LoadRequest(TableNames("public", "probe"), {path!r}, "typed", ["k", "version", "note"], {n})
        load.sync_table(conn, req, settings.current(), die)
    """)
    proc = subprocess.run([sys.executable, "-c", script], env=os.environ, capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    leftovers = [r[0] for r in probe.rows("SELECT relname FROM pg_class WHERE relname LIKE 'probe\\_\\_new%'")]
    assert len(leftovers) == 1
    assert (probe.scalar("SELECT 'probe'::regclass::oid"), probe.scalar("SELECT count(*) FROM probe")) == before
    messages: list[str] = []
    sync_probe(probe, path, n, messages.append)
    assert any(f"dropping leftover public.{leftovers[0]}" in m for m in messages)
    assert probe.rows("SELECT DISTINCT version FROM probe") == [(4,)]
    assert probe.scalar("SELECT count(*) FROM pg_class WHERE relname LIKE 'probe\\_\\_%'") == 0


def test_second_concurrent_sync_skips_and_backup_survives(probe, files):
    sync_probe(probe, *snapshot(files, 5))                      # backup = v0, live = v5
    first_locked, second_done = threading.Event(), threading.Event()
    outcome: dict = {}

    def first_progress(msg: str) -> None:
        if msg.startswith("loaded"):
            first_locked.set()
            second_done.wait(30)

    def first():
        outcome["first"] = sync_probe(probe, *snapshot(files, 6), progress=first_progress)

    def second():
        first_locked.wait(30)
        try:
            sync_probe(probe, *snapshot(files, 7))
        except SyncSkipped as exc:
            outcome["second"] = exc
        finally:
            second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert isinstance(outcome["second"], SyncSkipped)
    assert "another sync or rollback is running" in str(outcome["second"])
    assert outcome["first"].rows == 1006
    assert probe.rows("SELECT DISTINCT version FROM probe") == [(6,)]
    assert probe.rows("SELECT DISTINCT version FROM probe_old_bkp") == [(5,)]


def test_hundred_swaps_under_readers(probe, files):
    snapshots = [snapshot(files, v) for v in range(1, 101)]
    stop = threading.Event()
    stats = {"queries": 0, "errors": [], "bad": []}
    lock = threading.Lock()

    def reader():
        conn = probe.connect()
        cur = conn.cursor()
        while not stop.is_set():
            try:
                cur.execute("SELECT min(version), max(version), count(*) FROM probe")
                lo, hi, n = cur.fetchone()
                ok = lo == hi and n == 1000 + lo
                with lock:
                    stats["queries"] += 1
                    if not ok:
                        stats["bad"].append((lo, hi, n))
            except Exception as exc:  # every reader error is a failure of the swap design
                with lock:
                    stats["errors"].append(repr(exc))
        conn.close()

    readers = [threading.Thread(target=reader) for _ in range(3)]
    started = time.monotonic()
    for t in readers:
        t.start()
    try:
        for path, n in snapshots:
            sync_probe(probe, path, n)
    finally:
        stop.set()
        for t in readers:
            t.join(30)
    elapsed = time.monotonic() - started
    rate = stats["queries"] / elapsed
    print(f"\n100 swaps in {elapsed:.1f}s, readers ran {stats['queries']} queries ({rate:.0f}/s), "
          f"{len(stats['errors'])} errors, {len(stats['bad'])} mixed snapshots")
    assert stats["errors"] == [] and stats["bad"] == []
    assert rate >= 200
    assert probe.rows("SELECT DISTINCT version FROM probe") == [(100,)]


def test_rollback_without_backup_is_one_clear_line(probe):
    """The CLI reports a refused sync or rollback as its message, not a traceback."""
    probe.execute("DROP TABLE IF EXISTS probe_old_bkp")
    out = subprocess.run([sys.executable, "-m", "stir.cli", "rollback", "probe", "--dsn", probe.dsn],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert out.stderr.startswith("stir rollback: public.probe: nothing to roll back to")
    assert "Traceback" not in out.stderr
