"""`stir demo`: the whole pipeline once, end to end, on the embedded stack.

stack up -> synthetic sources -> dbt build (bootstrap, with data tests) -> every dbt tier
DAG once through Airflow -> sync DAGs into PostgreSQL -> a leaderboard and a freshness
table printed from PostgreSQL -> stack down. Each step is a real process against real
servers; a failing step stops the demo with its log tail.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from stir import config
from stir.tiers import TIERS

# Tiers in an order where each one's upstream tables already exist after the bootstrap
# build; running them again shows the scheduled path (tag selection, excludes) works.
TIER_ORDER = (
    "core", "staging_collections", "recent_scl", "post_ranker", "post_ranker_partial",
    "daily", "weekly", "hourly", "collections", "gcc_orders", "data_requests",
)
DEMO_SYNC_DAGS = ("sync_leaderboard_prod", "sync_time_series_prod", "sync_group_metrics_prod")


def _console():
    from rich.console import Console

    return Console()


def _load_stack_env() -> dict[str, str]:
    env_file = config.stir_home() / "stack.env"
    env = dict(os.environ)
    for line in env_file.read_text().splitlines():
        line = line.strip()
        if not line.startswith("export "):
            continue
        key, _, value = line[len("export "):].partition("=")
        env[key] = shlex.split(value)[0] if value else ""
    return env


def _run(console, title: str, cmd: list[str], env: dict[str, str], cwd: Path = config.REPO_ROOT) -> float:
    console.print(f"[bold cyan]>>[/] {title}: [dim]{' '.join(cmd)}[/]")
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        console.print(f"[bold red]FAILED[/] {title} after {elapsed:.1f}s\n{tail}")
        raise SystemExit(1)
    console.print(f"   [green]ok[/] {elapsed:.1f}s")
    return elapsed


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _print_results(console, env: dict[str, str]) -> None:
    import psycopg2
    from rich.table import Table

    dsn = f"host={env.get('STIR_PG_HOST', '127.0.0.1')} port={config.PORTS.postgres} dbname={config.PG_DATABASE} user=postgres"
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            """
            select profile_platform, platform_id, category, language, followers,
                   (current_month_ranks ->> 'followers_rank')::int as followers_rank,
                   (last_month_ranks ->> 'followers_rank')::int as last_month_rank
            from leaderboard
            where month = (select max(month) from leaderboard) and profile_platform = 'IA'
            order by followers_rank nulls last
            limit 10
            """
        )
        board = Table(title="Instagram leaderboard, latest month (PostgreSQL)")
        for col in ("platform", "platform_id", "category", "language", "followers", "rank", "last month"):
            board.add_column(col)
        for row in cur.fetchall():
            board.add_row(*["" if v is None else f"{v:,}" if isinstance(v, int) else str(v) for v in row])
        console.print(board)

        cur.execute(
            """
            select c.relname, c.reltuples::bigint, pg_size_pretty(pg_total_relation_size(c.oid)),
                   coalesce(to_char(s.last_analyze, 'YYYY-MM-DD HH24:MI:SS'), '-')
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            left join pg_stat_user_tables s on s.relid = c.oid
            where n.nspname = 'public' and c.relkind = 'r'
              and c.relname not like '%\\_old\\_bkp' and c.relname <> 'schema_migrations'
              and c.reltuples > 0
            order by c.relname
            """
        )
        fresh = Table(title="Serving tables (PostgreSQL): rows and last analyze")
        for col in ("table", "rows", "size", "last analyzed (UTC)"):
            fresh.add_column(col)
        for name, rows, size, analyzed in cur.fetchall():
            fresh.add_row(name, f"{rows:,}", size, analyzed)
        console.print(fresh)


def run(creators: int, seed: int, keep: bool) -> int:
    console = _console()
    started = time.monotonic()
    stir = [sys.executable, "-m", "stir"]
    _run(console, "start the embedded stack", [*stir, "stack", "up"], dict(os.environ))
    try:
        env = _load_stack_env()
        _run(console, f"generate sources ({creators:,} creators)",
             [*stir, "generate", "--creators", str(creators), "--seed", str(seed)], env)
        dbt = [_bin("dbt")]
        dbt_dirs = ["--project-dir", str(config.DBT_PROJECT_DIR), "--profiles-dir", str(config.DBT_PROFILES_DIR)]
        _run(console, "dbt build: every model and data test (bootstrap)", [*dbt, "build", *dbt_dirs], env)
        airflow = _bin("airflow")
        by_tag = {t.tag: t for t in TIERS}
        for tag in TIER_ORDER:
            _run(console, f"tier {tag}", [airflow, "dags", "test", by_tag[tag].dag_id], env)
        for dag_id in DEMO_SYNC_DAGS:
            _run(console, f"sync {dag_id}", [airflow, "dags", "test", dag_id], env)
        _print_results(console, env)
    finally:
        if not keep:
            _run(console, "stop the embedded stack", [*stir, "stack", "down"], dict(os.environ))
    console.print(f"[bold green]demo finished in {time.monotonic() - started:.0f}s[/]")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="run the whole pipeline once on the embedded stack")
    parser.add_argument("--creators", type=int, default=int(os.environ.get("STIR_DEMO_CREATORS", "5000")))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="leave the stack running afterwards")
    parser.set_defaults(func=lambda args: run(args.creators, args.seed, args.keep))
