"""Driving a sync step by step against the session's real engines (no Airflow)."""

from __future__ import annotations

import hashlib
import json
import secrets
from decimal import Decimal
from pathlib import Path

from stir.sync import chtypes, export, load, settings, tasks
from stir.sync.names import TableNames

from .conftest import S3_KEY, S3_REGION, S3_SECRET

# dbt.mart_leaderboard's real shape (DESCRIBE after a dbt build), column for column.
LEADERBOARD_CH = """
    month Date, profile_platform String, platform_id String, handle Nullable(String), language Nullable(String),
    category Nullable(String), platform String, profile_type String, followers Int64,
    followers_change Nullable(Int64), engagement_rate Nullable(Float64), avg_likes Nullable(Float64),
    avg_comments Nullable(Float64), avg_views Nullable(Float64), avg_plays Nullable(Float64),
    followers_rank Nullable(UInt64), followers_change_rank Nullable(UInt64), views_rank Nullable(UInt64),
    plays_rank Nullable(UInt64), followers_rank_by_cat Nullable(UInt64), views_rank_by_cat Nullable(UInt64),
    followers_rank_by_lang Nullable(UInt64), views_rank_by_lang Nullable(UInt64),
    followers_rank_by_cat_lang Nullable(UInt64), views_rank_by_cat_lang Nullable(UInt64),
    current_month_ranks Map(String, UInt64), last_month_ranks Map(String, UInt64)
"""
LEADERBOARD_COLUMNS = [c.split()[0] for c in chtypes.split_args(LEADERBOARD_CH)]

TRICKY = ["back\\slash", 'quo"te', "tab\there", "new\nline", "uni ✓ café 日本", "C:\\new folder",
          "esc \\o \\\\ \\/", "comma, semi;", "", "\\N", "\\."]


def leaderboard_rows_sql(n: int, month: str = "2024-05-01", version: int = 0) -> str:
    """SELECT producing n leaderboard rows; every 7th category is one of the TRICKY strings."""
    tricky = "[" + ", ".join(export.ch_literal(s) for s in TRICKY) + "]"
    return f"""
    SELECT toDate('{month}') AS month, if(number % 3 = 0, 'YA', 'IA') AS profile_platform,
           concat('pid_', toString(number)) AS platform_id,
           if(number % 5 = 0, NULL, concat('handle_', toString(number))) AS handle,
           if(number % 13 = 0, NULL, ['en','hi','ta'][number % 3 + 1]) AS language,
           if(number % 7 = 0, {tricky}[number % {len(TRICKY)} + 1], concat('cat', toString(number % 11))) AS category,
           'INSTAGRAM' AS platform, 'creator' AS profile_type, toInt64(number * 13 + {version}) AS followers,
           number / 1000 AS engagement_rate, number * 1.5 AS avg_likes, number * 0.25 AS avg_comments,
           number * 3.0 AS avg_views, number * 2.0 AS avg_plays, toInt64(number) - 500 AS followers_change,
           number + 1 AS followers_rank, number + 2 AS followers_change_rank, number + 3 AS views_rank,
           number + 4 AS plays_rank, number % 100 AS followers_rank_by_cat, number % 101 AS views_rank_by_cat,
           number % 102 AS followers_rank_by_lang, number % 103 AS views_rank_by_lang,
           number % 104 AS followers_rank_by_cat_lang, number % 105 AS views_rank_by_cat_lang,
           map('followers_rank', number + 1) AS current_month_ranks,
           map('followers_rank', number + 10, 'views_rank', toUInt64({version})) AS last_month_ranks
    FROM numbers({n})"""


def seed_accounts(pg, ids: str) -> None:
    """instagram_account + instagram_account_search rows for profile ids `ids` (SQL set-returning
    expression); columns the test does not care about get a type-appropriate filler."""
    defaults = {"text": "'x'", "bigint": "0", "smallint": "0", "integer": "0", "double precision": "0",
                "numeric(20,0)": "0", "timestamp without time zone": "now()", "date": "current_date",
                "boolean": "false", "text[]": "'{}'", "jsonb": "'{}'"}
    pg.execute("TRUNCATE instagram_account, instagram_account_search")
    for table, given in (("instagram_account", {"profile_id": "'pid_' || g", "ig_id": "'pid_' || g",
                                                 "top_audience_gender": "'female'"}),
                         ("instagram_account_search", {"profile_id": "'pid_' || g",
                                                        "search_phrase": "'phrase ' || g"})):
        rows = pg.rows("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                       "%s::regclass AND attnum > 0 AND NOT attisdropped AND attnotnull", (table,))
        exprs = {**{name: defaults[t] for name, t in rows}, **given}
        pg.execute(f"INSERT INTO {table} ({', '.join(exprs)}) SELECT {', '.join(exprs.values())} FROM {ids} g")


def build_mart(ch, mart: str, columns: str, select_sql: str, order_by: str = "tuple()") -> None:
    ch.command(f"DROP TABLE IF EXISTS dbt.{mart}")
    ch.command(f"CREATE TABLE dbt.{mart} ({columns}) ENGINE = MergeTree ORDER BY {order_by}")
    ch.command(f"INSERT INTO dbt.{mart} {select_sql}")


def target(s3, table: str, fmt: str, compression: str = "none") -> export.S3Target:
    key = f"test/{table}/{export.file_name(secrets.token_hex(4), fmt, compression)}"
    return export.S3Target(s3.bucket, key, S3_KEY, S3_SECRET, s3.endpoint, S3_REGION)


def export_mart(ch, s3, pg, mart: str, table: str, fmt: str = "typed", enrichment: str | None = None,
                where: str | None = None, compression: str = "none", rows_per_file: int = 0) -> dict:
    conn = pg.connect(autocommit=False)
    try:
        return tasks.export_snapshot(ch, conn, target(s3, table, fmt, compression), mart=mart, table=table, fmt=fmt,
                                     enrichment=enrichment, where=where, rows_per_file=rows_per_file)
    finally:
        conn.close()


def local_files(info: dict, local_dir: Path) -> tuple[str, ...]:
    return tuple(str(local_dir / key.replace("/", "_")) for key in info["keys"])


def download_via_ssh(sshd, info: dict, local_dir: Path) -> tuple[str, ...]:
    """The PostgreSQL host downloads the objects: the real fetch command over real SSH."""
    import paramiko

    paths = local_files(info, local_dir)
    cmd = tasks.download_command(settings.current(), info["bucket"], info["keys"], list(paths))
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("127.0.0.1", port=sshd.port, username=sshd.user, key_filename=str(sshd.client_key),
                   look_for_keys=False, allow_agent=False, timeout=10)
    try:
        _, stdout, stderr = client.exec_command(cmd, timeout=120)
        status = stdout.channel.recv_exit_status()
        if status != 0:
            raise RuntimeError(f"download failed ({status}): {stderr.read().decode()[-2000:]}")
    finally:
        client.close()
    return paths


def download_direct(s3, info: dict, local_dir: Path) -> tuple[str, ...]:
    paths = local_files(info, local_dir)
    for key, path in zip(info["keys"], paths, strict=True):
        s3.client.download_file(info["bucket"], key, path)
        Path(path).chmod(0o644)
    return paths


def load_file(pg, info: dict, path: str | tuple[str, ...], table: str, enrichment: str | None = None, allow_shrink=False,
              min_ratio: float = 0.5, expected_rows: int | None = None, progress=lambda _: None):
    request = load.LoadRequest(TableNames.parse(table), path, info["format"], list(info["columns"]),
                               info["rows"] if expected_rows is None else expected_rows, enrichment,
                               min_ratio, allow_shrink)
    conn = pg.connect()
    try:
        return load.sync_table(conn, request, settings.current(), progress)
    finally:
        conn.close()


def canonical(value):
    """One comparable text per value, identical for ClickHouse and PostgreSQL representations."""
    if value is None:
        return "NULL"
    if isinstance(value, dict):
        return json.dumps({k: canonical(v) for k, v in sorted(value.items())}, sort_keys=True)
    if isinstance(value, (list, tuple)):
        return json.dumps([canonical(v) for v in value])
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, Decimal)):
        return str(int(value)) if value == int(value) else str(value)
    return str(value)


def table_digest(rows) -> tuple[int, str]:
    lines = sorted("\x1f".join(canonical(v) for v in row) for row in rows)
    return len(lines), hashlib.sha256("\x1e".join(lines).encode()).hexdigest()


def ch_digest(ch, mart: str, columns: list[str]) -> tuple[int, str]:
    rows = ch.query(f"SELECT {', '.join(columns)} FROM dbt.{mart}").result_rows
    return table_digest(rows)


def pg_digest(pg, table: str, columns: list[str]) -> tuple[int, str]:
    return table_digest(pg.rows(f"SELECT {', '.join(columns)} FROM {table}"))


def oid_and_count(pg, table: str) -> tuple[int, int]:
    return (pg.scalar("SELECT %s::regclass::oid", (table,)), pg.scalar(f"SELECT count(*) FROM {table}"))
