"""Migrations on real PostgreSQL: ordered, recorded with checksums, edited files refused; the
shipped schema obeys the swap's rules (no owned sequences, no inbound foreign keys)."""

from __future__ import annotations

import shutil

import pytest

from stir.sync import migrations, pgmeta
from stir.sync.errors import MigrationError

from .conftest import PG, admin_conn


@pytest.fixture
def scratch_db():
    db = PG("stir_sync_migrations")
    admin = admin_conn()
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {db.dbname} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {db.dbname}")
    yield db
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {db.dbname} WITH (FORCE)")
    admin.close()


def test_apply_is_ordered_idempotent_and_refuses_edits(scratch_db, tmp_path):
    d = tmp_path / "m"
    d.mkdir()
    (d / "0001_a.sql").write_text("CREATE TABLE a (k int PRIMARY KEY);")
    (d / "0002_b.sql").write_text("CREATE TABLE b (k int REFERENCES a (k));")
    assert [m.version for m in migrations.apply(scratch_db.dsn, d, progress=lambda _: None)] == [1, 2]
    assert migrations.apply(scratch_db.dsn, d, progress=lambda _: None) == []
    assert scratch_db.rows("SELECT version, name FROM schema_migrations ORDER BY 1") == [(1, "a"), (2, "b")]
    (d / "0001_a.sql").write_text("CREATE TABLE a (k bigint PRIMARY KEY);")
    (d / "0003_c.sql").write_text("CREATE TABLE c (k int);")
    with pytest.raises(MigrationError, match="0001_a.sql was edited"):
        migrations.apply(scratch_db.dsn, d, progress=lambda _: None)
    assert scratch_db.scalar("SELECT to_regclass('c')") is None


def test_failed_migration_rolls_back_alone(scratch_db, tmp_path):
    d = tmp_path / "m"
    d.mkdir()
    (d / "0001_ok.sql").write_text("CREATE TABLE ok (k int);")
    (d / "0002_bad.sql").write_text("CREATE TABLE half (k int); SELECT no_such_function();")
    with pytest.raises(MigrationError, match="0002_bad.sql failed"):
        migrations.apply(scratch_db.dsn, d, progress=lambda _: None)
    assert scratch_db.scalar("SELECT to_regclass('half')") is None
    assert scratch_db.rows("SELECT version FROM schema_migrations") == [(1,)]


def test_stir_migrate_command(scratch_db):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "stir.cli", "migrate", "--dsn", scratch_db.dsn],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    import re

    assert re.search(r"0003\s+leaderboard\s+applied", out.stdout) and "pending" not in out.stdout
    assert scratch_db.scalar("SELECT count(*) FROM schema_migrations") == len(migrations.discover())


def test_shipped_migrations_make_swappable_tables(scratch_db, tmp_path):
    shutil.copytree(migrations.DIRECTORY, tmp_path / "m", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    migrations.apply(scratch_db.dsn, tmp_path / "m", progress=lambda _: None)
    conn = scratch_db.connect()
    cur = conn.cursor()
    cur.execute("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
                "AND relname <> 'schema_migrations'")
    tables = [r[0] for r in cur.fetchall()]
    assert {"leaderboard", "instagram_account"} <= set(tables)
    for table in tables:
        assert pgmeta.problems(cur, pgmeta.oid(cur, "public", table)) == [], table
        assert any(i.contype == "p" for i in pgmeta.indexes(cur, pgmeta.oid(cur, "public", table))), table
    conn.close()
