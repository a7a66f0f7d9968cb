"""ClickHouse side of a sync: INSERT INTO FUNCTION s3(...) from the mart, then count the objects.

The count is read back from the exported objects themselves, so it describes exactly the
snapshot the files hold even if the mart is rebuilt a moment later; the load refuses to
publish unless PostgreSQL ends up with that many rows. A ReplacingMergeTree mart is read
with FINAL (stir/dedup_rule.py): the export is one row per key whether or not ClickHouse
has merged its parts yet.

A mart with more rows than STIR_SYNC_ROWS_PER_FILE is written as several objects
(`<slug>.<attempt>-<N>.tsv`, one INSERT ... PARTITION BY): at 1M creators the post table is
50M rows / 15 GB, and no object, download or COPY then has to carry all of it at once
(the embedded S3 joins a multipart upload's parts in memory and was killed doing so).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
import secrets
from dataclasses import dataclass

from stir import dedup_rule
from stir.sync import chtypes

FORMATS = {"typed": "TabSeparated", "json": "JSONEachRow"}
EXTENSIONS = {"typed": "tsv", "json": "json"}
# ClickHouse picks the s3() codec from the key's extension, on write and on the count's read.
COMPRESSIONS = {"none": "", "gzip": ".gz"}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PART = "{_partition_id}"
# Every part is an open S3 upload while the INSERT runs; ClickHouse's own default cap.
MAX_FILES = 100


def resolve_format(load_path: str) -> str:
    """`default` is the typed path: the round-trip property test proves it loses nothing."""
    if load_path == "default":
        return "typed"
    if load_path not in FORMATS:
        raise ValueError(f"load_path must be one of default, {', '.join(FORMATS)}; got {load_path!r}")
    return load_path


def file_name(slug: str, fmt: str, compression: str = "none") -> str:
    """The export's object and file name: `<slug>.tsv`, or `<slug>.tsv.gz` when compressed."""
    if compression not in COMPRESSIONS:
        raise ValueError(f"STIR_SYNC_COMPRESSION must be one of {', '.join(COMPRESSIONS)}; got {compression!r}")
    return f"{slug}.{EXTENSIONS[fmt]}{COMPRESSIONS[compression]}"


def is_compressed(path: str) -> bool:
    return path.endswith(COMPRESSIONS["gzip"])


def file_count(total_rows: int | None, rows_per_file: int) -> int:
    """How many objects an export of about `total_rows` rows is split into (0 = never split)."""
    if not total_rows or rows_per_file <= 0:
        return 1
    return min(MAX_FILES, max(1, -(-total_rows // rows_per_file)))


def part_key(key: str, fmt: str, part: str) -> str:
    """`dir/slug.tsv` -> `dir/slug.<part>.tsv` (before the format's extension, so the codec stays)."""
    suffix = f".{EXTENSIONS[fmt]}" + (COMPRESSIONS["gzip"] if is_compressed(key) else "")
    if not key.endswith(suffix):
        raise ValueError(f"{key!r} does not end with {suffix!r}")
    return f"{key[:-len(suffix)]}.{part}{suffix}"


@dataclass(frozen=True)
class S3Target:
    bucket: str
    key: str
    access_key: str
    secret_key: str
    endpoint: str | None = None      # None: AWS itself
    region: str = "ap-south-1"

    @property
    def url(self) -> str:
        if self.endpoint:
            return f"{self.endpoint.rstrip('/')}/{self.bucket}/{self.key}"
        return f"https://{self.bucket}.s3.{self.region}.amazonaws.com/{self.key}"

    def with_key(self, key: str) -> S3Target:
        return dataclasses.replace(self, key=key)

    def function(self, fmt: str, structure: str | None = None) -> str:
        args = [ch_literal(self.url), ch_literal(self.access_key), ch_literal(self.secret_key), ch_literal(fmt)]
        if structure:
            args.append(ch_literal(structure))
        return f"s3({', '.join(args)})"

    def redact(self, sql: str) -> str:
        for secret in (self.secret_key, self.access_key):
            if secret:
                sql = sql.replace(ch_literal(secret), "'[HIDDEN]'")
        return sql


@dataclass(frozen=True)
class Column:
    name: str          # PostgreSQL column = mart column
    pg_type: str
    ch_type: str


def ch_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def ch_ident(name: str) -> str:
    return name if _IDENT.match(name) else "`" + name.replace("`", "``") + "`"


def plan_columns(pg_columns: list[tuple[str, str]], ch_columns: dict[str, str],
                 filled_in_postgres: frozenset[str] = frozenset()) -> list[Column]:
    """Exported columns in the PostgreSQL table's order; every one must exist in the mart."""
    plan, missing = [], []
    for name, pg_type in pg_columns:
        if name in filled_in_postgres:
            continue
        if name not in ch_columns:
            missing.append(name)
            continue
        plan.append(Column(name, pg_type, ch_columns[name]))
    if missing:
        raise ValueError(f"PostgreSQL columns missing from the mart: {', '.join(missing)}")
    if not plan:
        raise ValueError("nothing to export: no PostgreSQL column matches the mart")
    return plan


def source_relation(mart: str, engine: str | None, database: str = "dbt") -> str:
    """What an export (or a count of a mart) reads: FINAL for ReplacingMergeTree marts."""
    relation = f"{ch_ident(database)}.{ch_ident(mart)}"
    return f"{relation} FINAL" if dedup_rule.is_dedup_engine(engine) else relation


def table_engine(client, mart: str, database: str = "dbt") -> str:
    return _table_meta(client, mart, database)[0]


def select_sql(mart: str, columns: list[Column], fmt: str, where: str | None, database: str = "dbt",
               engine: str | None = None) -> str:
    if fmt == "typed":
        exprs = [f"{chtypes.typed_expression(ch_ident(c.name), c.ch_type, c.pg_type)} AS {ch_ident(c.name)}"
                 for c in columns]
    else:
        exprs = [ch_ident(c.name) for c in columns]
    sql = f"SELECT {', '.join(exprs)} FROM {source_relation(mart, engine, database)}"
    if where:
        sql += f" WHERE {where}"
    return sql


def export_sql(target: S3Target, mart: str, columns: list[Column], fmt: str, where: str | None = None,
               database: str = "dbt", engine: str | None = None, files: int = 1) -> str:
    """One INSERT; with files > 1 the target's key holds PART and rows are dealt round-robin."""
    split = f"PARTITION BY rowNumberInAllBlocks() % {files} " if files > 1 else ""
    return (f"INSERT INTO FUNCTION {target.function(FORMATS[fmt])} {split}"
            f"{select_sql(mart, columns, fmt, where, database, engine)} "
            "SETTINGS s3_truncate_on_insert=1, output_format_json_quote_64bit_integers=0"
            + (f", max_partitions_per_insert_block={files}" if files > 1 else ""))


def count_sql(target: S3Target) -> str:
    # Both formats hold exactly one row per line (TSV escapes newlines, JSON lines are compact).
    # Counted per object (`_file`): a split export's parts are downloaded and checked one by one.
    return (f"SELECT _file, count() FROM {target.function('LineAsString')} GROUP BY _file ORDER BY _file "
            "SETTINGS s3_throw_on_zero_files_match=0")


def describe(client, mart: str, database: str = "dbt") -> dict[str, str]:
    rows = client.query(f"DESCRIBE TABLE {ch_ident(database)}.{ch_ident(mart)}").result_rows
    return {row[0]: row[1] for row in rows}


def _table_meta(client, mart: str, database: str) -> tuple[str, int | None]:
    rows = client.query("SELECT engine, total_rows FROM system.tables WHERE database = {db:String} "
                        "AND name = {t:String}", parameters={"db": database, "t": mart}).result_rows
    if not rows:
        return "", None
    engine, total = rows[0]
    return engine, None if total is None else int(total)


def run(client, target: S3Target, mart: str, columns: list[Column], fmt: str, where: str | None = None,
        database: str = "dbt", rows_per_file: int = 0) -> list[tuple[str, int]]:
    """Export and return (key, rows) per object written, in part order. The mart's stored rows
    before FINAL (an upper bound of what it exports) size the split. SQL carrying credentials is
    never logged."""
    engine, total = _table_meta(client, mart, database)
    files = file_count(total, rows_per_file)
    written = counted = target
    if files > 1:
        # A fresh token per attempt: parts a retried or re-split attempt left behind never match.
        attempt = secrets.token_hex(4)
        written = target.with_key(part_key(target.key, fmt, f"{attempt}-{PART}"))
        counted = target.with_key(part_key(target.key, fmt, f"{attempt}-{{0..{files - 1}}}"))
    client.command(export_sql(written, mart, columns, fmt, where, database, engine, files))
    folder = posixpath.dirname(target.key)
    parts = [(posixpath.join(folder, name), int(n)) for name, n in client.query(count_sql(counted)).result_rows]
    return sorted(parts, key=lambda part: _part_number(part[0]))


def _part_number(key: str) -> int:
    match = re.search(r"-(\d+)\.[a-z]+(\.gz)?$", key)
    return int(match.group(1)) if match else 0
