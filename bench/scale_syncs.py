"""bench_scale --syncs: the biggest served tables synced from a size's built marts.

Runs the same full sync a DAG runs (export to S3 with the mart read as the DAG reads it,
download, guarded load into a staging table, enrichment, indexes, swap keeping
<table>_old_bkp, vacuum analyze) against the bench's ClickHouse server, a throwaway moto
S3 and a fresh database on the local PostgreSQL, and reports rows, seconds per step and
PostgreSQL's table and index sizes. instagram_account goes first: leaderboard is
enriched from it, as in production. Exports are gzip (STIR_SYNC_COMPRESSION): moto joins a
multipart upload's parts in memory, and the plain 1M leaderboard export (39.6 GB of TSV)
took it past the machine's 24 GB; a mart over STIR_SYNC_ROWS_PER_FILE rows is exported as
several objects (the 50M-row instagram_post and the 20M-row leaderboard). The leaderboard is
synced whole, as sync_leaderboard_prod does (18 months, enriched from instagram_account): at
1M creators that is ~40 GB in PostgreSQL plus the export's files, so the disk must hold it
beside the ClickHouse data dir. Each sync's S3 objects and downloaded files are removed once
it is measured, so one sync's files never crowd out the next.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg2

from stir import config
from stir.generate.testing import make_client
from stir.stack.s3 import running_moto
from stir.sync import migrations, s3client
from stir.sync.cli import sync_now

# (mart, served table, enrichment, where): the original's heaviest syncs
SYNCS = (
    ("mart_instagram_account", "instagram_account", None, None),
    ("mart_leaderboard", "leaderboard", "instagram_account", None),
    ("mart_instagram_post", "instagram_post", None, None),
)
PG_ADMIN = dict(host=config.HOST, port=int(os.environ.get("STIR_PG_PORT", "5432")), user="postgres")
DATABASE = "stir_scale_bench"


def _fresh_database() -> str:
    admin = psycopg2.connect(dbname="postgres", **PG_ADMIN)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        cur.execute(f"CREATE DATABASE {DATABASE}")
    admin.close()
    dsn = f"postgresql://{PG_ADMIN['user']}@{PG_ADMIN['host']}:{PG_ADMIN['port']}/{DATABASE}"
    migrations.apply(dsn, progress=lambda _msg: None)
    return dsn


def _sizes(dsn: str, table: str) -> dict:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_table_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid), "
                    "(SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid) "
                    "FROM pg_class c WHERE c.oid = %s::regclass", (f"public.{table}",))
        table_b, index_b, total_b, indexes = cur.fetchone()
        cur.execute(f"SELECT count(*) FROM public.{table}")
        live_rows = cur.fetchone()[0]
    conn.close()
    return {"live_rows": live_rows, "table_mb": round(table_b / 2**20), "indexes_mb": round(index_b / 2**20),
            "total_mb": round(total_b / 2**20), "indexes": indexes}


def _export_objects(endpoint: str, table: str) -> tuple[int, int]:
    """(objects, MB) the table's export left in S3 (a mart over STIR_SYNC_ROWS_PER_FILE rows is split)."""
    listing = s3client.client(endpoint).list_objects_v2(Bucket=config.S3_BUCKET, Prefix=f"{config.S3_PREFIX}/{table}/")
    contents = listing.get("Contents", [])
    return len(contents), round(sum(o["Size"] for o in contents) / 2**20)


def _remove_files(endpoint: str, table: str, files: Path) -> None:
    """A measured sync's S3 objects and downloaded files: the next sync needs the disk."""
    s3 = s3client.client(endpoint)
    listing = s3.list_objects_v2(Bucket=config.S3_BUCKET, Prefix=f"{config.S3_PREFIX}/{table}/")
    for obj in listing.get("Contents", []):
        s3.delete_object(Bucket=config.S3_BUCKET, Key=obj["Key"])
    for path in (files / table).glob("*"):  # <STIR_SYNC_LOCAL_DIR>/<table>/<object>
        if path.is_file():
            path.unlink()


def run_syncs(server, work: Path, console, done: frozenset[str] = frozenset(),
              only: tuple[str, ...] = ()) -> Iterator[tuple[str, dict]]:
    """Each sync of SYNCS in turn (or only the tables in `only`), except the tables in `done`
    (synced by a resumed run)."""
    files = work / "sync-files"
    files.mkdir(exist_ok=True)
    files.chmod(0o1777)  # PostgreSQL's server-side COPY reads the downloaded file
    saved = {k: os.environ.get(k) for k in ("STIR_S3_ENDPOINT", "STIR_SYNC_LOCAL_DIR", "STIR_SYNC_COMPRESSION")}
    dsn = _fresh_database()
    ch = make_client(server, send_receive_timeout=4 * 3600)
    try:
        with running_moto() as endpoint:
            os.environ.update(STIR_S3_ENDPOINT=endpoint, STIR_SYNC_LOCAL_DIR=str(files), STIR_SYNC_COMPRESSION="gzip")
            for mart, table, enrich_name, where in SYNCS:
                if table in done or (only and table not in only):
                    continue
                started = time.perf_counter()
                try:
                    steps = sync_now(ch, dsn, mart=mart, table=table, enrich_name=enrich_name, where=where,
                                     progress=lambda msg, t=table: console.print(f"  {t}: {msg}"))
                except Exception as exc:  # a mart the build left out: say so, sync the others
                    console.print(f"sync {mart} -> {table} failed: {exc}")
                    yield table, {"mart": mart, "error": str(exc)[:300]}
                    continue
                objects, export_mb = _export_objects(endpoint, table)
                result = {"mart": mart, "enrich": enrich_name, "where": where,
                          "seconds": round(time.perf_counter() - started, 1),
                          "steps": {name: round(sec, 1) for name, _, sec in steps}, "rows": steps[-1][1],
                          "export_objects": objects, "export_mb": export_mb, **_sizes(dsn, table)}
                console.print(f"sync {mart} -> {table}: {result['rows']:,} rows in {result['seconds']} s "
                              f"{result['steps']}, export {objects} object(s) {export_mb} MB gzip, "
                              f"PostgreSQL {result['total_mb']} MB "
                              f"({result['indexes_mb']} MB in {result['indexes']} indexes)")
                _remove_files(endpoint, table, files)
                yield table, result
    finally:
        ch.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        for path in files.rglob("*"):
            if path.is_file():
                path.unlink()
