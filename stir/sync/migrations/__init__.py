"""The serving schema as ordered, versioned migrations: NNNN_<name>.sql in this directory.

`apply(dsn)` (used by `stir migrate` and the local stack) applies the pending ones, each in
its own transaction, recording version + SHA-256 in schema_migrations. It refuses to run
when an applied migration's file was edited or removed since: write a new migration instead.
Synced tables must not own sequences (serial/identity) nor be referenced by foreign keys -
the swap replaces them by renaming, and both would stay attached to the old table.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from stir.sync.errors import MigrationError

DIRECTORY = Path(__file__).resolve().parent
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = "stir.sync.migrations"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text()

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def discover(directory: Path = DIRECTORY) -> list[Migration]:
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise MigrationError(f"{path.name}: migration files are named NNNN_<name>.sql")
        version = int(m.group(1))
        if version in found:
            raise MigrationError(f"two migrations with version {version}: {found[version].path.name}, {path.name}")
        found[version] = Migration(version, m.group(2), path)
    return [found[v] for v in sorted(found)]


def _connect(dsn_or_conn):
    if isinstance(dsn_or_conn, str):
        import psycopg2

        return psycopg2.connect(dsn_or_conn), True
    return dsn_or_conn, False


def _applied(cur) -> dict[int, tuple[str, str]]:
    cur.execute("""CREATE TABLE IF NOT EXISTS public.schema_migrations (
                       version integer PRIMARY KEY,
                       name text NOT NULL,
                       checksum text NOT NULL,
                       applied_at timestamptz NOT NULL DEFAULT now())""")
    cur.execute("SELECT version, name, checksum FROM public.schema_migrations")
    return {r[0]: (r[1], r[2]) for r in cur.fetchall()}


def _check(applied: dict[int, tuple[str, str]], migrations: list[Migration]) -> None:
    by_version = {m.version: m for m in migrations}
    problems = []
    for version, (name, checksum) in sorted(applied.items()):
        m = by_version.get(version)
        if m is None:
            problems.append(f"{version:04d}_{name} was applied but its file is gone")
        elif m.checksum != checksum:
            problems.append(f"{m.path.name} was edited after it was applied (checksum differs)")
    if problems:
        raise MigrationError("refusing to migrate: " + "; ".join(problems)
                             + ". Restore the file and add a new migration for the change.")


def status(dsn_or_conn, directory: Path = DIRECTORY) -> list[tuple[Migration, bool]]:
    conn, own = _connect(dsn_or_conn)
    try:
        with conn.cursor() as cur:
            applied = _applied(cur)
        conn.commit()
        return [(m, m.version in applied) for m in discover(directory)]
    finally:
        if own:
            conn.close()


def apply(dsn, directory: Path = DIRECTORY, progress=print) -> list[Migration]:
    """Apply pending migrations in order; returns those applied now. Safe to run concurrently."""
    migrations = discover(directory)
    conn, own = _connect(dsn)
    done: list[Migration] = []
    try:
        conn.autocommit = False
        for migration in migrations:
            with conn.cursor() as cur:
                # Serialises concurrent `stir migrate` runs; released at each commit.
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (_LOCK_KEY,))
                applied = _applied(cur)
                _check(applied, migrations)
                if migration.version in applied:
                    conn.rollback()
                    continue
                try:
                    cur.execute(migration.sql)
                except Exception as exc:
                    conn.rollback()
                    raise MigrationError(f"{migration.path.name} failed and was rolled back: {exc}") from exc
                cur.execute("INSERT INTO public.schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                            (migration.version, migration.name, migration.checksum))
            conn.commit()
            done.append(migration)
            progress(f"applied {migration.path.name}")
        if not migrations:
            conn.commit()
        return done
    finally:
        if own:
            conn.close()
