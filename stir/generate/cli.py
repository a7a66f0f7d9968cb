"""`stir generate` / `python -m stir.generate`: fill the source tables with synthetic data."""

from __future__ import annotations

import argparse
import os
import sys
import time

from stir import config
from stir.generate.generator import default_anchor, generate, parse_anchor
from stir.generate.world import World


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--creators", type=int, default=1000, help="Instagram creators (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--days", type=int, default=540, help="history to generate in days (default 540)")
    parser.add_argument("--anchor", type=parse_anchor, default=None,
                        help="'now' of the data set, ISO time in UTC (default: now rounded down to the hour)")
    parser.add_argument("--host", default=os.environ.get("STIR_CH_HOST", config.HOST),
                        help="ClickHouse host (default $STIR_CH_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("STIR_CH_PORT", config.PORTS.clickhouse_http)),
                        help="ClickHouse HTTP port (default $STIR_CH_PORT or 8123)")
    parser.add_argument("--with-events", action="store_true",
                        help="also fill _e.scrape_request_log_events (left empty by default)")
    parser.add_argument("--keep-models", action="store_true",
                        help="keep the dbt database (by default its models, built from the old data, are dropped)")
    parser.add_argument("--quiet", action="store_true", help="no per-table progress")


def run(args: argparse.Namespace) -> int:
    import clickhouse_connect
    from rich.console import Console
    from rich.table import Table

    if args.creators < 1 or args.days < 7:
        print("--creators must be >= 1 and --days >= 7", file=sys.stderr)
        return 2
    world = World(seed=args.seed, anchor=args.anchor or default_anchor(), creators=args.creators, days=args.days)
    console = Console(stderr=True, quiet=args.quiet)
    client = clickhouse_connect.get_client(
        host=args.host, port=args.port, username=config.ch_user(),
        password=config.ch_password(), send_receive_timeout=3600,
    )
    console.print(f"generating {world.creators:,} creators, seed {world.seed}, anchor {world.anchor:%Y-%m-%d %H:%M} UTC, "
                  f"{world.days} days -> {args.host}:{args.port}")
    summary = Table(title="generated source tables")
    for col, justify in (("table", "left"), ("rows", "right"), ("seconds", "right")):
        summary.add_column(col, justify=justify)
    started = time.perf_counter()
    total_rows = 0
    try:
        for result in generate(client, world, with_events=args.with_events, keep_models=args.keep_models):
            total_rows += result.rows
            console.print(f"  {result.table:<38} {result.rows:>12,} rows {result.seconds:7.2f} s")
            summary.add_row(result.table, f"{result.rows:,}", f"{result.seconds:.2f}")
    finally:
        client.close()
    elapsed = time.perf_counter() - started
    summary.add_row("total", f"{total_rows:,}", f"{elapsed:.2f}", style="bold")
    console.print(summary)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("generate", help="fill the source tables with deterministic synthetic data",
                                   description=__doc__)
    add_arguments(parser)
    parser.set_defaults(func=run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stir.generate", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))
