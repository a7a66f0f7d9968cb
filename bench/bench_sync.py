"""Sync benchmark: one leaderboard-shaped mart (default 1M rows) through three paths in one run.

    original  JSONEachRow -> COPY (text) into jsonb -> cast INSERT into UNLOGGED -> UPDATE enrichment
              -> SET LOGGED -> indexes -> two RENAMEs (the seed's sync_leaderboard_prod)
    default   stir.sync: TabSeparated -> COPY FREEZE into a temp table -> INSERT ... LEFT JOIN enrichment
              into a LOGGED staging table created in the same transaction -> indexes -> guarded swap
    floor     binary COPY into an UNLOGGED table, no indexes, no swap (the least PostgreSQL can do)

Every path runs on the same engines (stir.chserver, moto S3, PostgreSQL), times each step, and
reports ratios against the original and the floor. Usage:
    python bench/bench_sync.py [--rows 1000000]
Results: a table on stdout, JSON in bench/results/sync-<timestamp>.json. The mart's strings carry
no backslashes, so the original path (which mangles them) can run at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import clickhouse_connect
import psycopg2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stir import config  # noqa: E402
from stir.chserver.testing import running_server  # noqa: E402
from stir.stack import s3 as stack_s3  # noqa: E402
from stir.stack.layout import s3_access_key, s3_secret_key  # noqa: E402
from stir.sync import export, load, migrations, settings, tasks  # noqa: E402
from stir.sync.names import TableNames  # noqa: E402

PG = dict(host="127.0.0.1", port=int(os.environ.get("STIR_PG_PORT", "5432")), user="postgres")
DB = "stir_sync_bench"
# the bench starts its own moto server on loopback: the stack's stand-in keys do
KEY, SECRET, BUCKET = s3_access_key(), s3_secret_key(), config.S3_BUCKET
LB_CH = """month Date, profile_platform String, platform_id String, handle Nullable(String),
    language Nullable(String), category Nullable(String), platform String, profile_type String, followers Int64,
    followers_change Nullable(Int64), engagement_rate Nullable(Float64), avg_likes Nullable(Float64),
    avg_comments Nullable(Float64), avg_views Nullable(Float64), avg_plays Nullable(Float64),
    followers_rank Nullable(UInt64), followers_change_rank Nullable(UInt64), views_rank Nullable(UInt64),
    plays_rank Nullable(UInt64), followers_rank_by_cat Nullable(UInt64), views_rank_by_cat Nullable(UInt64),
    followers_rank_by_lang Nullable(UInt64), views_rank_by_lang Nullable(UInt64),
    followers_rank_by_cat_lang Nullable(UInt64), views_rank_by_cat_lang Nullable(UInt64),
    current_month_ranks Map(String, UInt64), last_month_ranks Map(String, UInt64)"""


def mart_sql(n: int) -> str:
    return f"""SELECT toDate('2024-05-01') - toIntervalMonth(number % 3), if(number % 3 = 0, 'YA', 'IA'),
      concat('pid_', toString(number)), concat('handle_', toString(number)), ['en','hi','ta'][number % 3 + 1],
      concat('cat ', toString(number % 40)), 'INSTAGRAM', 'creator', toInt64(number * 13), toInt64(number) - 500,
      number / 1000, number * 1.5, number * 0.25, number * 3.0, number * 2.0,
      number + 1, number + 2, number + 3, number + 4, number % 100,
      number % 101, number % 102, number % 103, number % 104, number % 105,
      map('followers_rank', number + 1, 'views_rank', number + 2),
      map('followers_rank', number + 10, 'views_rank', number + 11, 'plays_rank', number % 7)
    FROM numbers({n})"""


class Timer:
    def __init__(self):
        self.steps: dict[str, float] = {}

    def run(self, name: str, fn, *args, **kw):
        started = time.perf_counter()
        out = fn(*args, **kw)
        self.steps[name] = self.steps.get(name, 0.0) + time.perf_counter() - started
        print(f"    {name:<22} {self.steps[name]:8.2f}s", flush=True)
        return out

    @property
    def total(self) -> float:
        return sum(self.steps.values())


def pg_conn(db: str = DB, autocommit: bool = True):
    conn = psycopg2.connect(dbname=db, **PG)
    conn.autocommit = autocommit
    return conn


def reset_db(rows: int) -> None:
    admin = pg_conn("postgres")
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {DB}")
    admin.close()
    migrations.apply(f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{DB}", progress=lambda _: None)
    conn = pg_conn()
    with conn.cursor() as cur:
        fillers = {"text": "'x'", "bigint": "0", "numeric(20,0)": "0", "double precision": "0",
                   "smallint": "0", "timestamp without time zone": "now()", "date": "current_date",
                   "boolean": "false", "text[]": "'{}'", "jsonb": "'{}'"}
        for table, given in (("instagram_account", {"profile_id": "'pid_' || g", "ig_id": "'pid_' || g",
                                                     "top_audience_gender": "'female'"}),
                             ("instagram_account_search", {"profile_id": "'pid_' || g",
                                                            "search_phrase": "'phrase ' || g"})):
            cur.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                        "%s::regclass AND attnum > 0 AND NOT attisdropped AND attnotnull", (table,))
            exprs = {**{name: fillers[t] for name, t in cur.fetchall()}, **given}
            cur.execute(f"INSERT INTO {table} ({', '.join(exprs)}) SELECT {', '.join(exprs.values())} "
                        f"FROM generate_series(0, {rows} - 1, 2) g")
            cur.execute(f"VACUUM ANALYZE {table}")
    conn.close()


def download(s3, info: dict, files: Path) -> tuple[str, ...]:
    paths = []
    for key in info["keys"]:
        path = files / Path(key).name
        s3.download_file(BUCKET, key, str(path))
        path.chmod(0o644)
        paths.append(str(path))
    return tuple(paths)


def original_path(ch, s3, files: Path, endpoint: str) -> Timer:
    """The seed's sync_leaderboard_prod, statement for statement (indexes = the live table's)."""
    t = Timer()
    target = export.S3Target(BUCKET, "bench/original.json", KEY, SECRET, endpoint)
    conn = pg_conn()
    cur = conn.cursor()
    cur.execute("SET maintenance_work_mem = '256MB'")
    cols = [c for c, _ in _pg_columns(cur) if c not in ("platform_profile_id", "audience_gender", "search_phrase")]
    types = dict(_pg_columns(cur))
    t.run("export", ch.command, f"INSERT INTO FUNCTION {target.function('JSONEachRow')} SELECT "
          f"{', '.join(cols)} FROM dbt.mart_leaderboard "
          "SETTINGS s3_truncate_on_insert=1, output_format_json_quote_64bit_integers=0")
    path = t.run("download", download, s3, {"key": target.key}, files)
    cur.execute("DROP TABLE IF EXISTS leaderboard_tmp, mart_leaderboard_json")
    t.run("copy jsonb (text)", cur.execute, "CREATE TEMP TABLE mart_leaderboard_json (data jsonb); "
          f"COPY mart_leaderboard_json FROM '{path}'")
    casts = ", ".join(f"(data->>'{c}')::{types[c]}" for c in cols)
    t.run("cast insert", cur.execute, "CREATE UNLOGGED TABLE leaderboard_tmp (LIKE leaderboard INCLUDING DEFAULTS); "
          f"INSERT INTO leaderboard_tmp ({', '.join(cols)}) SELECT {casts} FROM mart_leaderboard_json")
    t.run("update enrichment", cur.execute, """UPDATE leaderboard_tmp lv SET platform_profile_id = ia.profile_id,
          audience_gender = ia.top_audience_gender, search_phrase = ias.search_phrase
          FROM instagram_account ia LEFT JOIN instagram_account_search ias ON ias.profile_id = ia.profile_id
          WHERE ia.ig_id = lv.platform_id AND lv.platform_id IS NOT NULL AND lv.profile_platform = 'IA'""")
    t.run("set logged", cur.execute, "ALTER TABLE leaderboard_tmp SET LOGGED")
    cur.execute("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'leaderboard'::regclass")
    defs = [d.replace(" ON public.leaderboard ", " ON public.leaderboard_tmp ").replace("INDEX ", "INDEX o_", 1)
            for (d,) in cur.fetchall()]
    t.run("indexes", cur.execute, "; ".join(defs))
    t.run("swap", cur.execute, "BEGIN; DROP TABLE IF EXISTS leaderboard_old_bkp CASCADE; "
          "ALTER TABLE leaderboard RENAME TO leaderboard_old_bkp; ALTER TABLE leaderboard_tmp RENAME TO leaderboard; "
          "COMMIT; DROP TABLE mart_leaderboard_json")
    t.run("vacuum analyze", cur.execute, "VACUUM ANALYZE leaderboard")
    conn.close()
    return t


def _pg_columns(cur):
    cur.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                "'leaderboard'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")
    return cur.fetchall()


def default_path(ch, s3, files: Path, endpoint: str) -> tuple[Timer, str]:
    t = Timer()
    target = export.S3Target(BUCKET, "bench/default.tsv", KEY, SECRET, endpoint)
    conn = pg_conn(autocommit=False)
    info = t.run("export", tasks.export_snapshot, ch, conn, target, mart="mart_leaderboard", table="leaderboard",
                 fmt="typed", enrichment="instagram_account")
    conn.close()
    path = t.run("download", download, s3, info, files)
    req = load.LoadRequest(TableNames("public", "leaderboard"), path, "typed", info["columns"], info["rows"],
                           "instagram_account", allow_shrink=True)
    conn = pg_conn()
    result = t.run("load (copy+join+indexes+swap)", load.sync_table, conn, req, settings.current(), lambda _: None)
    for step, seconds in result.steps.items():
        print(f"      {step:<20} {seconds:8.2f}s")
    t.run("vacuum analyze", load.vacuum_analyze, conn, TableNames("public", "leaderboard"), settings.current())
    conn.close()
    t.detail = result.steps
    return t, path


def floor_path(files: Path, default_timer: Timer) -> Timer:
    """Same transfer as the default path, then only a binary COPY into an unlogged table."""
    t = Timer()
    t.steps["export"] = default_timer.steps["export"]
    t.steps["download"] = default_timer.steps["download"]
    conn = pg_conn()
    cur = conn.cursor()
    binary = files / "floor.bin"
    with open(binary, "wb") as f:   # prepared outside the timing, client-side (the server may not write here)
        cur.copy_expert("COPY leaderboard TO STDOUT WITH (FORMAT binary)", f)
    binary.chmod(0o644)
    cur.execute("DROP TABLE IF EXISTS floor_lb; CREATE UNLOGGED TABLE floor_lb (LIKE leaderboard)")
    t.run("binary copy (unlogged)", cur.execute, f"COPY floor_lb FROM '{binary}' WITH (FORMAT binary)")
    cur.execute("DROP TABLE floor_lb")
    conn.close()
    binary.unlink()
    return t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    home = Path(os.environ.get("STIR_HOME", "/tmp/stir-sync"))
    home.mkdir(parents=True, exist_ok=True)
    files = Path(tempfile.mkdtemp(prefix="bench-files-", dir=home))
    files.chmod(0o755)
    try:
        with stack_s3.running_moto(BUCKET) as endpoint, running_server() as server:
            s3 = stack_s3.client(endpoint)
            ch = clickhouse_connect.get_client(host=server.host, port=server.port, send_receive_timeout=3600)
            ch.command("CREATE DATABASE IF NOT EXISTS dbt")
            ch.command(f"CREATE TABLE dbt.mart_leaderboard ({LB_CH}) ENGINE = MergeTree ORDER BY (month, platform_id)")
            print(f"building a {args.rows}-row mart ...", flush=True)
            ch.command(f"INSERT INTO dbt.mart_leaderboard {mart_sql(args.rows)}")
            reset_db(args.rows)
            print("default path (warm-up: first publish into the empty live table)", flush=True)
            default_path(ch, s3, files, endpoint)
            print("original path", flush=True)
            original = original_path(ch, s3, files, endpoint)
            print("default path", flush=True)
            default, _ = default_path(ch, s3, files, endpoint)
            print("floor", flush=True)
            floor = floor_path(files, default)
            ch.close()
    finally:
        for p in files.iterdir():
            p.unlink()
        files.rmdir()

    def pg_side(t: Timer) -> float:
        return sum(v for k, v in t.steps.items() if k not in ("export", "download"))

    rows = [("original", original), ("default", default), ("floor", floor)]
    print(f"\n{args.rows} rows, seconds (ratios vs original / vs floor)")
    print(f"{'path':<10} {'export':>8} {'download':>9} {'postgres':>9} {'total':>8} {'orig/x':>8} {'x/floor':>8}"
          f" {'pg orig/x':>10} {'pg x/floor':>11}")
    for name, t in rows:
        print(f"{name:<10} {t.steps['export']:8.2f} {t.steps['download']:9.2f} {pg_side(t):9.2f} {t.total:8.2f} "
              f"{original.total / t.total:8.2f} {t.total / floor.total:8.2f} "
              f"{pg_side(original) / pg_side(t):10.2f} {pg_side(t) / pg_side(floor):11.2f}")
    result = {"rows": args.rows, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "paths": {name: {"steps": {k: round(v, 3) for k, v in t.steps.items()}, "total": round(t.total, 3),
                               "postgres": round(pg_side(t), 3)} for name, t in rows},
              "default_load_detail": {k: round(v, 3) for k, v in default.detail.items()},
              "ratios": {"original_over_default_total": round(original.total / default.total, 2),
                         "default_over_floor_total": round(default.total / floor.total, 2),
                         "original_over_default_postgres": round(pg_side(original) / pg_side(default), 2),
                         "default_over_floor_postgres": round(pg_side(default) / pg_side(floor), 2)}}
    out = REPO / "bench" / "results" / f"sync-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no bench/results/
    out.write_text(json.dumps(result, indent=2))
    print(f"\nwritten {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
