"""`stir migrate`, `stir rollback <table>`, `stir sync run|scaffold`, `stir freshness`: the sync from a shell.

Connections come from the environment: STIR_PG_DSN (else the local stack's PostgreSQL),
STIR_CH_HOST/STIR_CH_PORT, STIR_S3_ENDPOINT/STIR_S3_ACCESS_KEY/STIR_S3_SECRET_KEY.
`stir sync run` is for a PostgreSQL on this machine (the local stack): it downloads the export
itself instead of over SSH; the Airflow DAGs use the builder in stir/airflow/sync.py.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from stir import config


def _dsn(args) -> str:
    return args.dsn or os.environ.get("STIR_PG_DSN") or (
        f"postgresql://postgres@{config.HOST}:{config.PORTS.postgres}/{config.PG_DATABASE}")


def _table(rows: list[tuple], headers: tuple[str, ...]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*headers), fmt.format(*("-" * w for w in widths))]
                     + [fmt.format(*map(str, r)) for r in rows])


def cmd_migrate(args) -> int:
    from stir.sync import migrations

    dsn = _dsn(args)
    migrations.apply(dsn)
    print(_table([(f"{m.version:04d}", m.name, "applied" if ok else "pending")
                  for m, ok in migrations.status(dsn)], ("version", "name", "state")))
    return 0


def cmd_rollback(args) -> int:
    import psycopg2

    from stir.sync import rollback, settings
    from stir.sync.names import TableNames

    conn = psycopg2.connect(_dsn(args))
    try:
        rollback.rollback(conn, TableNames.parse(args.table), settings.current(), print)
    finally:
        conn.close()
    return 0


def _ch_client():
    import clickhouse_connect

    return clickhouse_connect.get_client(host=os.environ.get("STIR_CH_HOST", config.HOST),
                                         port=int(os.environ.get("STIR_CH_PORT", config.PORTS.clickhouse_http)),
                                         username=config.ch_user(), password=config.ch_password())


def sync_now(ch, dsn: str, *, mart: str, table: str, enrich_name: str | None = None, where: str | None = None,
             load_path: str = "default", min_ratio: float = 0.5, allow_shrink: bool = False,
             progress=print) -> list[tuple[str, int, float]]:
    """One full sync of `mart` into `table` on a PostgreSQL on this machine (export to S3,
    download, guarded load and swap, vacuum); returns (step, rows, seconds) per step."""
    import psycopg2

    from stir.sync import export, fetch, freshness, load, s3client, settings, tasks
    from stir.sync.names import TableNames

    s = settings.current()
    fmt = export.resolve_format(load_path)
    names = TableNames.parse(table)
    slug = tasks.run_slug(f"cli-{time.time():.0f}")
    file_name = export.file_name(slug, fmt, s.compression)
    key = f"{config.S3_PREFIX}/{names.table}/{file_name}"
    endpoint = config.s3_endpoint()
    target = export.S3Target(config.S3_BUCKET, key, config.s3_access_key(), config.s3_secret_key(), endpoint,
                             config.S3_REGION)
    steps = []
    started = time.perf_counter()
    pg = psycopg2.connect(dsn)
    try:
        built_at = freshness.snapshot_built_at(ch, config.DBT_SCHEMA, mart)
        info = tasks.export_snapshot(ch, pg, target, mart=mart, table=table, fmt=fmt, enrichment=enrich_name,
                                     where=where, rows_per_file=s.rows_per_file)
        steps.append(("export", info["rows"], time.perf_counter() - started))
        mark = time.perf_counter()
        paths = tasks.local_paths(s, names.table, info["keys"])
        s3 = s3client.client(endpoint)
        for part_key, path in zip(info["keys"], paths, strict=True):
            fetch.download(config.S3_BUCKET, part_key, Path(path), s3)
        steps.append(("download", info["rows"], time.perf_counter() - mark))
        mark = time.perf_counter()
        req = load.LoadRequest(names, tuple(paths), fmt, info["columns"], info["rows"], enrich_name, min_ratio,
                               allow_shrink, freshness={"mart": f"{config.DBT_SCHEMA}.{mart}",
                                                        "built_at": built_at, "run_id": slug})
        result = load.sync_table(pg, req, s, progress)
        steps.append(("load+swap", result.rows, time.perf_counter() - mark))
        mark = time.perf_counter()
        load.vacuum_analyze(pg, names, s)
        steps.append(("vacuum analyze", result.rows, time.perf_counter() - mark))
    finally:
        pg.close()
    return steps


def cmd_sync_run(args) -> int:
    ch = _ch_client()
    try:
        steps = sync_now(ch, _dsn(args), mart=args.mart, table=args.table, enrich_name=args.enrich, where=args.where,
                         load_path=args.load_path, min_ratio=args.min_ratio, allow_shrink=args.allow_shrink)
    finally:
        ch.close()
    print(_table([(n, r, f"{t:.2f}") for n, r, t in steps], ("step", "rows", "seconds")))
    return 0


def cmd_sync_scaffold(args) -> int:
    from stir.sync import scaffold

    client = _ch_client()
    try:
        print(scaffold.scaffold(client, args.mart, args.table))
    finally:
        client.close()
    return 0


def cmd_freshness(args) -> int:
    import json

    import psycopg2

    from stir.sync import freshness

    conn = psycopg2.connect(_dsn(args))
    try:
        rows = freshness.report(conn)
    finally:
        conn.close()
    if args.json:
        print(json.dumps(freshness.as_dicts(rows), indent=1))
    else:
        print(freshness.render_text(rows))
    if args.png != "-":
        png = args.png or str(config.stir_home() / "freshness.png")
        os.makedirs(os.path.dirname(os.path.abspath(png)), exist_ok=True)
        freshness.plot(rows, png)
        print(f"plot: {png}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("migrate", help="apply the serving schema's pending migrations to PostgreSQL")
    p.add_argument("--dsn", help="PostgreSQL DSN (default: STIR_PG_DSN or the local stack)")
    p.set_defaults(func=cmd_migrate)

    p = subparsers.add_parser("rollback", help="swap <table>_old_bkp back in atomically")
    p.add_argument("table", help="serving table, e.g. leaderboard or public.leaderboard")
    p.add_argument("--dsn")
    p.set_defaults(func=cmd_rollback)

    p = subparsers.add_parser("sync", help="ClickHouse mart -> PostgreSQL serving table")
    sub = p.add_subparsers(dest="sync_command", metavar="SUBCOMMAND", required=True)
    run = sub.add_parser("run", help="sync one mart now (local stack: PostgreSQL on this machine)")
    run.add_argument("mart")
    run.add_argument("table")
    run.add_argument("--enrich")
    run.add_argument("--where")
    run.add_argument("--load-path", default="default", choices=["default", "typed", "json"])
    run.add_argument("--min-ratio", type=float, default=0.5)
    run.add_argument("--allow-shrink", action="store_true")
    run.add_argument("--dsn")
    run.set_defaults(func=cmd_sync_run)
    sc = sub.add_parser("scaffold", help="print a draft migration for a mart's serving table")
    sc.add_argument("mart")
    sc.add_argument("table")
    sc.set_defaults(func=cmd_sync_scaffold)

    p = subparsers.add_parser("freshness", help="per served table: data age, tier objective, ok/late/stale; PNG plot")
    p.add_argument("--dsn")
    p.add_argument("--json", action="store_true", help="print JSON (what /stir/api/freshness serves)")
    p.add_argument("--png", help="plot path (default $STIR_HOME/freshness.png; '-' for none)")
    p.set_defaults(func=cmd_freshness)
