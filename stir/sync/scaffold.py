"""`stir sync scaffold <mart> <table>`: a first draft of a serving table's migration from the mart.

Types come from chtypes.pg_type_for; non-Nullable columns are NOT NULL; the primary key is the
mart's grain from docs/models.md when every part of it is a column (else its ORDER BY key);
lookup columns the app filters on get an index. Review it, then commit it as NNNN_<table>.sql.
"""

from __future__ import annotations

import re

from stir import config
from stir.sync import chtypes, export

LOOKUP_COLUMNS = ("profile_id", "channel_id", "platform_id", "collection_id", "campaign_id", "brand_id",
                  "handle", "shortcode", "video_id")


def documented_grain(mart: str, models_md: str | None = None) -> list[str]:
    """The grain column list docs/models.md gives a model ('' when it is not a plain column list)."""
    text = models_md if models_md is not None else (config.REPO_ROOT / "docs" / "models.md").read_text()
    m = re.search(rf"^\| {re.escape(mart)} \| ([^|]+) \|", text, flags=re.M)
    if not m:
        return []
    grain = re.sub(r"\(.*?\)", "", m.group(1)).split(" one row")[0]
    return [part.strip() for part in grain.split(",") if part.strip()]


def primary_key(mart: str, columns: dict[str, str], sorting_key: str, models_md: str | None = None) -> list[str]:
    for candidate in (documented_grain(mart, models_md),
                      [c.strip() for c in sorting_key.strip("()").split(",") if c.strip()]):
        if candidate and all(c in columns and not chtypes.parse(columns[c]).nullable for c in candidate):
            return candidate
    return []


def migration_sql(mart: str, table: str, columns: dict[str, str], key: list[str],
                  extra: tuple[tuple[str, str], ...] = (), database: str = "dbt") -> str:
    lines = []
    for name, ch_type in columns.items():
        not_null = "" if chtypes.parse(ch_type).nullable else " NOT NULL"
        lines.append(f"    {name} {chtypes.pg_type_for(ch_type)}{not_null}")
    lines += [f"    {name} {pg_type}" for name, pg_type in extra]
    if key:
        lines.append(f"    CONSTRAINT {table}_pkey PRIMARY KEY ({', '.join(key)})")
    indexes = [c for c in LOOKUP_COLUMNS if c in columns and (not key or c != key[0])][:2]
    sql = (f"-- {database}.{mart} -> public.{table} (columns and types follow the mart; "
           "drafted by `stir sync scaffold`, reviewed).\n"
           f"CREATE TABLE public.{table} (\n" + ",\n".join(lines) + "\n);\n")
    for column in indexes:
        sql += f"CREATE INDEX {table}_{column}_idx ON public.{table} ({column});\n"
    return sql


def describe_mart(client, mart: str, database: str = "dbt") -> tuple[dict[str, str], str]:
    columns = export.describe(client, mart, database)
    rows = client.query("SELECT sorting_key FROM system.tables WHERE database = %(d)s AND name = %(t)s",
                        parameters={"d": database, "t": mart}).result_rows
    return columns, rows[0][0] if rows else ""


def scaffold(client, mart: str, table: str, database: str = "dbt") -> str:
    columns, sorting_key = describe_mart(client, mart, database)
    return migration_sql(mart, table, columns, primary_key(mart, columns, sorting_key), database=database)
