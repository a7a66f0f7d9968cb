"""The callables behind the builder's tasks (stir/airflow/sync.py); Airflow is imported lazily.

Connections: clickhouse_gcc (ClickHouseHook), aws_gcc (S3 key/secret, endpoint_url and
region_name in its extra), prod_pg (PostgreSQL). Nothing here logs SQL that carries S3
credentials; errors from ClickHouse are redacted before they are raised.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shlex

from stir import config
from stir.sync import enrich, export, freshness, load, pgmeta
from stir.sync.errors import SyncError, SyncRefused, SyncSkipped
from stir.sync.names import TableNames
from stir.sync.settings import SyncSettings, current

log = logging.getLogger(__name__)


def run_slug(run_id: str) -> str:
    """A per-run object/file name, so concurrent runs never overwrite each other's export."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", run_id)[:60]
    return f"{readable}-{hashlib.sha1(run_id.encode()).hexdigest()[:8]}"


def s3_target(conn_id: str, key: str, bucket: str = config.S3_BUCKET) -> export.S3Target:
    from airflow.sdk import BaseHook

    conn = BaseHook.get_connection(conn_id)
    extra = conn.extra_dejson
    return export.S3Target(bucket=bucket, key=key, access_key=conn.login or "", secret_key=conn.password or "",
                           endpoint=extra.get("endpoint_url"), region=extra.get("region_name", "ap-south-1"))


def pg_connect(conn_id: str = config.POSTGRES_CONN_ID):
    """psycopg2 connection from an Airflow connection (the load relies on psycopg2's semantics)."""
    import psycopg2
    from airflow.sdk import BaseHook

    conn = BaseHook.get_connection(conn_id)
    extra = {k: v for k, v in conn.extra_dejson.items()
             if k in ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "options")}
    return psycopg2.connect(host=conn.host or config.HOST, port=conn.port or 5432, user=conn.login or "postgres",
                            password=conn.password or None, dbname=conn.schema or config.PG_DATABASE, **extra)


def download_command(settings: SyncSettings, bucket: str, keys: list[str], paths: list[str]) -> str:
    """The shell command the PostgreSQL host runs: every object of one export to its file."""
    if len(keys) != len(paths) or not keys:
        raise ValueError(f"{len(keys)} objects for {len(paths)} files")
    if settings.downloader == "aws":
        steps = [f"mkdir -p {shlex.quote(paths[0].rsplit('/', 1)[0])}"]
        for key, path in zip(keys, paths, strict=True):
            part = path + ".part"
            steps.append(f"aws s3 cp {shlex.quote(f's3://{bucket}/{key}')} {shlex.quote(part)} --only-show-errors "
                         f"&& chmod 644 {shlex.quote(part)} && mv {shlex.quote(part)} {shlex.quote(path)}")
        return " && ".join(steps)
    if settings.downloader != "stir":
        raise ValueError(f"STIR_SYNC_DOWNLOADER must be 'stir' or 'aws', not {settings.downloader!r}")
    pairs = " ".join(f"--key {shlex.quote(k)} --dest {shlex.quote(p)}" for k, p in zip(keys, paths, strict=True))
    return (f"{settings.remote_python} -m stir.sync.fetch --bucket {shlex.quote(bucket)} {pairs} "
            f"--prune-after {settings.prune_after_s}")


def local_paths(settings: SyncSettings, folder: str, keys: list[str]) -> list[str]:
    """Where the PostgreSQL host keeps each object: <STIR_SYNC_LOCAL_DIR>/<folder>/<object name>."""
    return [f"{settings.local_dir.rstrip('/')}/{folder}/{key.rsplit('/', 1)[-1]}" for key in keys]


def export_snapshot(ch_client, pg_conn, target: export.S3Target, *, mart: str, table: str, fmt: str,
                    enrichment: str | None = None, where: str | None = None, rows_per_file: int = 0) -> dict:
    """Plan columns from the live PostgreSQL table, export the mart to S3 (split into objects of
    about `rows_per_file` rows; 0 = one object) and count the objects."""
    names = TableNames.parse(table)
    filled = enrich.get(enrichment).filled if enrichment else frozenset()
    cur = pg_conn.cursor()
    live_oid = pgmeta.oid(cur, names.schema, names.table)
    if live_oid is None:
        raise SyncError(f"{names.qualified} does not exist in PostgreSQL; apply the migrations (stir migrate)")
    pg_columns = pgmeta.columns(cur, live_oid)
    pg_conn.rollback()
    columns = export.plan_columns(pg_columns, export.describe(ch_client, mart, config.DBT_SCHEMA), filled)
    try:
        parts = export.run(ch_client, target, mart, columns, fmt, where, config.DBT_SCHEMA, rows_per_file)
    except Exception as exc:
        raise SyncError(f"export of {config.DBT_SCHEMA}.{mart} failed: {target.redact(str(exc))}") from None
    rows = sum(n for _, n in parts)
    if rows == 0:
        raise SyncRefused(f"{config.DBT_SCHEMA}.{mart} exported 0 rows; refusing to publish an empty "
                          f"{names.qualified}. Live table unchanged.")
    return {"rows": rows, "columns": [c.name for c in columns], "format": fmt, "bucket": target.bucket,
            "keys": [key for key, _ in parts], "file_rows": [n for _, n in parts]}


def export_task(*, mart: str, table: str, enrich_name: str | None, where: str | None, load_path: str,
                **context) -> dict:
    from airflow.providers.clickhousedb.hooks.clickhouse import ClickHouseHook

    settings = current()
    fmt = export.resolve_format(load_path)
    slug = run_slug(context["run_id"])
    names = TableNames.parse(table)
    file_name = export.file_name(slug, fmt, settings.compression)
    key = f"{config.S3_PREFIX}/{names.table}/{file_name}"
    target = s3_target(config.AWS_CONN_ID, key)
    ch = ClickHouseHook(clickhouse_conn_id=config.CLICKHOUSE_CONN_ID).get_client()
    pg = pg_connect()
    try:
        # Read before the export: if dbt rebuilds the mart meanwhile, the recorded age errs old, never young.
        built_at = freshness.snapshot_built_at(ch, config.DBT_SCHEMA, mart)
        info = export_snapshot(ch, pg, target, mart=mart, table=table, fmt=fmt, enrichment=enrich_name, where=where,
                               rows_per_file=settings.rows_per_file)
    finally:
        pg.close()
        ch.close()
    info["mart"] = f"{config.DBT_SCHEMA}.{mart}"
    info["built_at"] = built_at.isoformat() if built_at else None
    info["paths"] = local_paths(settings, names.table, info["keys"])
    info["download_command"] = download_command(settings, info["bucket"], info["keys"], info["paths"])
    log.info("exported %s rows of %s.%s to %d object(s) s3://%s/%s", info["rows"], config.DBT_SCHEMA, mart,
             len(info["keys"]), target.bucket, key)
    return info


def load_task(*, table: str, enrich_name: str | None, min_ratio: float, export_task_id: str, **context) -> dict:
    from airflow.sdk.exceptions import AirflowSkipException

    info = context["ti"].xcom_pull(task_ids=export_task_id)
    conf = (context.get("dag_run").conf if context.get("dag_run") else None) or {}
    allow_shrink = bool(conf.get("allow_shrink", False))
    request = load.LoadRequest(names=TableNames.parse(table), paths=tuple(info["paths"]), fmt=info["format"],
                               columns=list(info["columns"]), expected_rows=int(info["rows"]),
                               enrichment=enrich_name, min_ratio=min_ratio, allow_shrink=allow_shrink,
                               freshness=_freshness(info, context))
    conn = pg_connect()
    try:
        result = load.sync_table(conn, request, current(), log.info)
    except SyncSkipped as exc:
        raise AirflowSkipException(str(exc)) from None
    finally:
        conn.close()
    return {"table": result.table, "rows": result.rows, "live_rows_before": result.live_rows_before,
            "swap_attempts": result.swap_attempts, "steps": {k: round(v, 3) for k, v in result.steps.items()}}


def _freshness(info: dict, context) -> dict | None:
    if "mart" not in info:
        return None
    import datetime as dt

    built = info.get("built_at")
    dag_run = context.get("dag_run")
    return {"mart": info["mart"], "built_at": dt.datetime.fromisoformat(built) if built else None,
            "dag_id": getattr(dag_run, "dag_id", None), "run_id": context.get("run_id")}


def vacuum_task(*, table: str, **context) -> None:
    conn = pg_connect()
    try:
        load.vacuum_analyze(conn, TableNames.parse(table), current())
    finally:
        conn.close()


# --- the partial post-ranking path: per-key upserts (stir.sync.upsert) -----------------------


def export_partial_task(*, mart: str, table: str, key: str, **context) -> dict:
    """Export the keys ranked since the full mart's build; skip the run when there are none."""
    from airflow.providers.clickhousedb.hooks.clickhouse import ClickHouseHook
    from airflow.sdk.exceptions import AirflowSkipException

    from stir.sync import upsert

    settings = current()
    slug = run_slug(context["run_id"])
    names = TableNames.parse(table)
    file_name = export.file_name(slug, "typed")
    key_name = f"{config.S3_PREFIX}/{names.table}{upsert.PARTIAL_SUFFIX}/{file_name}"
    target = s3_target(config.AWS_CONN_ID, key_name)
    ch = ClickHouseHook(clickhouse_conn_id=config.CLICKHOUSE_CONN_ID).get_client()
    pg = pg_connect()
    try:
        full_built = freshness.snapshot_built_at(ch, config.DBT_SCHEMA, upsert.full_mart(mart))
        where = upsert.latest_rows_where(mart, key, full_built, config.DBT_SCHEMA)
        relation = export.source_relation(mart, export.table_engine(ch, mart, config.DBT_SCHEMA), config.DBT_SCHEMA)
        pending = int(ch.query(f"SELECT count() FROM {relation} WHERE {where}").result_rows[0][0])
        if pending == 0:
            raise AirflowSkipException(f"no {key} of {config.DBT_SCHEMA}.{mart} was ranked after the full mart's "
                                       f"build ({full_built}); {names.qualified} already serves the newest rows")
        built_at = freshness.snapshot_built_at(ch, config.DBT_SCHEMA, mart)
        info = export_snapshot(ch, pg, target, mart=mart, table=table, fmt="typed", where=where,
                               rows_per_file=settings.rows_per_file)
    finally:
        pg.close()
        ch.close()
    info.update(mart=f"{config.DBT_SCHEMA}.{mart}", built_at=built_at.isoformat() if built_at else None,
                paths=local_paths(settings, names.table + upsert.PARTIAL_SUFFIX, info["keys"]))
    info["download_command"] = download_command(settings, info["bucket"], info["keys"], info["paths"])
    log.info("exported %s rows of %s.%s ranked after %s", info["rows"], config.DBT_SCHEMA, mart, full_built)
    return info


def upsert_task(*, table: str, key: str, export_task_id: str, **context) -> dict:
    from airflow.sdk.exceptions import AirflowSkipException

    from stir.sync import upsert

    info = context["ti"].xcom_pull(task_ids=export_task_id)
    request = load.LoadRequest(names=TableNames.parse(table), paths=tuple(info["paths"]), fmt=info["format"],
                               columns=list(info["columns"]), expected_rows=int(info["rows"]),
                               freshness=_freshness(info, context))
    conn = pg_connect()
    try:
        result = upsert.upsert_rows(conn, request, key, current(), log.info)
    except SyncSkipped as exc:
        raise AirflowSkipException(str(exc)) from None
    finally:
        conn.close()
    return {"table": result.table, "keys": result.keys, "deleted": result.deleted, "inserted": result.inserted}
