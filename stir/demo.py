"""`stir demo`: the whole pipeline once, end to end, on the embedded stack.

stack up -> Airflow (scheduler, DAG processor, API server; started in the background, its UI
address printed first) -> synthetic sources -> dbt build (every model and data test) -> every
dbt tier DAG once, then the sync DAGs into PostgreSQL, each triggered through Airflow's REST
API and run by the real scheduler (stir.demo_runs) -> the leaderboard, the serving tables and
a freshness table printed from the servers -> stack down (Airflow first). Each step is a real
process against real servers; a failing step stops the demo with its log tail (full logs
under $STIR_HOME/demo-logs/). `--dags-test` runs the DAGs with `airflow dags test` instead.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import threading
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

from stir import config
from stir.tiers import BY_TAG

# Tiers in an order where each one's upstream tables already exist after the bootstrap
# build; running them again shows the scheduled path (tag selection, excludes) works.
TIER_ORDER = (
    "core", "staging_collections", "recent_scl", "post_ranker", "post_ranker_partial",
    "daily", "weekly", "hourly", "collections", "gcc_orders", "data_requests",
)
# The account tables first: the leaderboard's load joins them (platform_profile_id, search_phrase).
DEMO_SYNC_DAGS = (
    "sync_insta_accounts_prod", "sync_insta_account_search",
    "sync_leaderboard_prod", "sync_time_series_prod", "sync_group_metrics_prod",
)


class StepFailed(Exception):
    pass


class Demo:
    def __init__(self, console, log_dir: Path):
        self.console = console
        self.log_dir = log_dir
        self.timings: list[tuple[str, float, str]] = []
        self.run_seconds: dict[str, float] = {}  # step title -> DAG run duration read from the API
        self.background_steps: set[str] = set()  # overlapped other steps: not added to the total
        self.started = time.monotonic()

    def run(self, title: str, cmd: list[str], env: dict[str, str]) -> float:
        """Runs one step, showing a spinner with its latest output line; raises StepFailed with the tail."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{len(self.timings) + 1:02d}-{_slug(title)}.log"
        self.console.print(f"[bold cyan]>>[/] {title}  [dim]{shlex.join(_short(cmd))}[/]", highlight=False)
        tail: deque[str] = deque(maxlen=60)
        started = time.monotonic()
        with open(log_path, "w") as log, self.console.status(title) as status:
            proc = subprocess.Popen(cmd, env=env, cwd=config.REPO_ROOT, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, errors="replace")
            ticker = _Ticker(status, title, started)
            ticker.start()
            try:
                for line in proc.stdout:
                    log.write(line)
                    tail.append(line.rstrip())
                    ticker.last = line.strip()
                proc.wait()
            finally:
                ticker.stop()
                if proc.poll() is None:
                    proc.terminate()
                    proc.wait(30)
        elapsed = time.monotonic() - started
        if proc.returncode != 0:
            self.timings.append((title, elapsed, "failed"))
            self.console.print(f"   [bold red]FAILED[/] after {elapsed:.1f}s (exit {proc.returncode}); "
                               f"log: {log_path}", highlight=False)
            self.console.print("\n".join(tail), markup=False, highlight=False)
            raise StepFailed(title)
        self.timings.append((title, elapsed, "ok"))
        self.console.print(f"   [green]ok[/] {elapsed:.1f}s", highlight=False)
        return elapsed

    def background(self, title: str, cmd: list[str], env: dict[str, str]):
        """Starts a step without waiting for it (its output to a log); `join` waits for it."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"bg-{_slug(title)}.log"
        self.console.print(f"[bold cyan]>>[/] {title} (in the background)  [dim]{shlex.join(_short(cmd))}[/]",
                           highlight=False)
        with open(log_path, "w") as log:
            proc = subprocess.Popen(cmd, env=env, cwd=config.REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
        self.background_steps.add(title)
        return title, proc, log_path, time.monotonic()

    def join(self, started_step) -> None:
        title, proc, log_path, started = started_step
        with self.console.status(f"waiting for: {title}"):
            proc.wait()
        elapsed = time.monotonic() - started
        if proc.returncode != 0:
            self.timings.append((title, elapsed, "failed"))
            self.console.print(f"   [bold red]FAILED[/] {title} (exit {proc.returncode}); log: {log_path}",
                               highlight=False)
            self.console.print("\n".join(log_path.read_text(errors="replace").splitlines()[-60:]),
                               markup=False, highlight=False)
            raise StepFailed(title)
        self.timings.append((title, elapsed, "ok"))
        self.console.print(f"   [green]ok[/] {title} {elapsed:.1f}s (since its start)", highlight=False)

    def dag_runs(self, api, steps: list[tuple[str, str]], logs_root: Path) -> None:
        """(title, dag_id) in order, each triggered through the REST API and waited for."""
        from stir.demo_runs import trigger_and_wait

        for title, dag_id in steps:
            self.console.print(f"[bold cyan]>>[/] {title}  [dim]REST API: trigger {dag_id}, wait for its run[/]",
                               highlight=False)
            started = time.monotonic()
            with self.console.status(title) as status:
                ticker = _Ticker(status, title, started)
                ticker.start()
                try:
                    result = trigger_and_wait(api, dag_id, logs_root)
                finally:
                    ticker.stop()
            elapsed = time.monotonic() - started
            if result.duration_s is not None:
                self.run_seconds[title] = result.duration_s
            run_s = "-" if result.duration_s is None else f"{result.duration_s:.1f}s"
            if result.state != "success":
                self.timings.append((title, elapsed, "failed"))
                self.console.print(f"   [bold red]FAILED[/] DAG {dag_id}, run {result.run_id}, task "
                                   f"{result.failed_task or '?'}; log: {result.log_path or logs_root}",
                                   highlight=False)
                self.console.print(result.log_tail, markup=False, highlight=False)
                raise StepFailed(title)
            self.timings.append((title, elapsed, "ok"))
            self.console.print(f"   [green]ok[/] {elapsed:.1f}s (DAG run {run_s}, run id {result.run_id})",
                               highlight=False)

    def print_timings(self) -> None:
        from rich.table import Table

        table = Table(title="Steps")
        table.add_column("step")
        table.add_column("result")
        table.add_column("seconds", justify="right")
        table.add_column("DAG run s (API)", justify="right")
        for title, seconds, result in self.timings:
            run_s = self.run_seconds.get(title)
            shown = f"{title} (background)" if title in self.background_steps else title
            table.add_row(shown, result, f"{seconds:.1f}", "" if run_s is None else f"{run_s:.1f}")
        table.add_row("[bold]total (wall clock)[/]", "", f"[bold]{time.monotonic() - self.started:.1f}[/]", "")
        self.console.print(table)


class _Ticker(threading.Thread):
    """Refreshes the spinner's text each second so a quiet step still shows it is alive."""

    def __init__(self, status, title: str, started: float):
        super().__init__(daemon=True)
        self.status, self.title, self.started = status, title, started
        self.last = ""
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(1.0):
            last = self.last[:90].replace("[", r"\[")
            self.status.update(f"{self.title} [dim]{time.monotonic() - self.started:.0f}s  {last}[/]")

    def stop(self) -> None:
        self._done.set()
        self.join()


def _slug(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")[:40]


def _short(cmd: list[str]) -> list[str]:
    """The command as a user would type it: venv binaries by name."""
    venv = str(Path(sys.executable).parent) + os.sep
    out = [c.removeprefix(venv) for c in cmd]
    return ["python" if c.startswith("python") else c for c in out]


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def load_stack_env(base: dict[str, str]) -> dict[str, str]:
    from stir.stack.envvars import parse_shell

    return {**base, **parse_shell((config.stir_home() / "stack.env").read_text())}


def _pg(env: dict[str, str], database: str):
    import psycopg2

    return psycopg2.connect(host=env["STIR_PG_HOST"], port=int(env["STIR_PG_PORT"]), dbname=database,
                            user="postgres", connect_timeout=10)


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_leaderboard(console, env: dict[str, str]) -> None:
    from rich.table import Table

    with _pg(env, env["STIR_PG_DATABASE"]) as conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT followers_rank::bigint, handle, category, language, followers, followers_change,
                   (last_month_ranks ->> 'followers_rank')::bigint, platform_profile_id IS NOT NULL, month
            FROM leaderboard
            WHERE profile_platform = 'IA' AND month = (SELECT max(month) FROM leaderboard WHERE profile_platform = 'IA')
            ORDER BY followers_rank NULLS LAST, followers DESC
            LIMIT 10
            """
        )
        rows = cur.fetchall()
    month = rows[0][-1].strftime("%B %Y") if rows else "no data"
    board = Table(title=f"Instagram leaderboard, {month} (PostgreSQL `leaderboard`)")
    for col, justify in (("rank", "right"), ("handle", "left"), ("category", "left"), ("language", "left"),
                         ("followers", "right"), ("change", "right"), ("last month", "right"),
                         ("enriched", "center")):
        board.add_column(col, justify=justify)
    for rank, handle, category, language, followers, change, last_rank, enriched, _ in rows:
        moved = "-" if not last_rank else f"{last_rank:,}"
        board.add_row(_fmt(rank), _fmt(handle), _fmt(category), _fmt(language), _fmt(followers),
                      "-" if change is None else f"{change:+,}", moved, "yes" if enriched else "no")
    console.print(board)


def print_serving_tables(console, env: dict[str, str]) -> None:
    from psycopg2 import sql
    from rich.table import Table

    with _pg(env, env["STIR_PG_DATABASE"]) as conn, conn.cursor() as cur:
        cur.execute(
            r"""
            SELECT c.relname, pg_size_pretty(pg_total_relation_size(c.oid)),
                   to_char(greatest(s.last_analyze, s.last_autoanalyze), 'YYYY-MM-DD HH24:MI:SS'),
                   to_regclass(quote_ident(c.relname || '_old_bkp')) IS NOT NULL
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
            WHERE n.nspname = 'public' AND c.relkind = 'r'
              AND c.relname NOT LIKE '%\_old\_bkp' AND c.relname NOT LIKE '%\_tmp%'
              AND c.relname <> 'schema_migrations'
            ORDER BY c.relname
            """
        )
        tables = cur.fetchall()
        rows = {}
        for name, *_ in tables:
            cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name)))
            rows[name] = cur.fetchone()[0]
    loaded = [t for t in tables if rows[t[0]] > 0]
    table = Table(title=f"Serving tables loaded by the syncs ({len(loaded)} of {len(tables)} "
                        "tables in PostgreSQL have rows)")
    for col, justify in (("table", "left"), ("rows", "right"), ("size", "right"),
                         ("last analyze (UTC)", "left"), ("rollback copy", "center")):
        table.add_column(col, justify=justify)
    for name, size, analyzed, backup in loaded:
        table.add_row(name, f"{rows[name]:,}", size, analyzed or "-", "yes" if backup else "no")
    console.print(table)


def _tier_marts() -> dict[str, list[str]]:
    """Tier tag -> model names, from the manifest the dbt build just wrote."""
    import json

    target = Path(os.environ.get("DBT_TARGET_PATH") or config.DBT_PROJECT_DIR / "target")
    if not target.is_absolute():
        target = config.DBT_PROJECT_DIR / target
    try:
        manifest = json.loads((target / "manifest.json").read_text())
    except (OSError, ValueError):
        return {}
    marts: dict[str, list[str]] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model":
            continue
        for tag in node.get("tags", ()):
            if tag in BY_TAG:
                marts.setdefault(tag, []).append(node["name"])
    return marts


def print_freshness(console, env: dict[str, str], since: datetime) -> None:
    """Per tier: its DAG's successful run in this demo (Airflow's metadata) and its tables' build
    times (ClickHouse); a run from an earlier demo in the same Airflow database does not count."""
    import clickhouse_connect
    from rich.table import Table

    with _pg(env, env["STIR_AIRFLOW_DB"]) as conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT DISTINCT ON (dag_id) dag_id, end_date, end_date - start_date
            FROM dag_run WHERE state = 'success' AND dag_id = ANY(%s) AND start_date >= %s
            ORDER BY dag_id, end_date DESC
            """,
            ([BY_TAG[t].dag_id for t in TIER_ORDER], since),
        )
        runs = {dag_id: (end, took) for dag_id, end, took in cur.fetchall()}
    client = clickhouse_connect.get_client(host=env["STIR_CH_HOST"], port=int(env["STIR_CH_PORT"]),
                                           username=env.get("STIR_CH_USER") or config.ch_user(),
                                           password=env.get("STIR_CH_PASSWORD", config.ch_password()))
    try:
        built = dict(client.query(
            "SELECT name, metadata_modification_time FROM system.tables WHERE database = {db:String}",
            parameters={"db": config.DBT_SCHEMA}).result_rows)
    finally:
        client.close()
    marts = _tier_marts()
    table = Table(title="Freshness per tier (DAG run: Airflow metadata; tables: ClickHouse modification time)")
    for col, justify in (("tier", "left"), ("DAG", "left"), ("schedule", "left"),
                         ("last success (UTC)", "left"), ("took", "right"), ("models", "right"),
                         ("oldest table built (UTC)", "left")):
        table.add_column(col, justify=justify)
    for tag in TIER_ORDER:
        tier = BY_TAG[tag]
        end, took = runs.get(tier.dag_id, (None, None))
        times = [built[m] for m in marts.get(tag, ()) if m in built]
        table.add_row(tag, tier.dag_id, tier.schedule,
                      end.strftime("%Y-%m-%d %H:%M:%S") if end else "[red]not in this demo[/]",
                      f"{took.total_seconds():.0f}s" if took else "-", str(len(marts.get(tag, ()))),
                      min(times).strftime("%Y-%m-%d %H:%M:%S") if times else "-")
    console.print(table)


def print_served_freshness(console, env: dict[str, str]) -> None:
    """`stir freshness`: per served table its data age vs its tier's objective, and the PNG plot."""
    from stir.sync import freshness

    with _pg(env, env.get("STIR_PG_DATABASE", config.PG_DATABASE)) as conn:
        rows = freshness.report(conn)
    png = config.stir_home() / "freshness.png"
    freshness.plot(rows, png)
    console.print(freshness.render_text([r for r in rows if r.published_at] or rows), markup=False,
                  highlight=False)
    console.print(f"freshness plot: {png} (also at /stir/freshness in the Airflow UI)", highlight=False)


def run(creators: int, seed: int, keep: bool, sync_dags: tuple[str, ...] = DEMO_SYNC_DAGS,
        dags_test: bool = False) -> int:
    from rich.console import Console

    # Tables wider than a pipe's default 80 columns stay readable in CI logs.
    console = Console(width=None if sys.stdout.isatty() else 160)
    home = config.stir_home()
    demo = Demo(console, home / "demo-logs")
    stir = [sys.executable, "-m", "stir"]
    base = dict(os.environ)
    since = datetime.now(timezone.utc)
    console.rule(f"stir demo: {creators:,} creators, seed {seed}, STIR_HOME={home}")
    if not dags_test:
        console.print(f"[bold]Airflow UI: http://{config.HOST}:{config.PORTS.airflow_api}[/] "
                      "(up once Airflow has started; watch the runs live there)", highlight=False)
    ok = False
    try:
        demo.run("start the embedded stack", [*stir, "stack", "up"], base)
        env = load_stack_env(base)
        airflow_start = None
        if not dags_test:
            from stir.demo_runs import SCHEDULER_ENV

            # Starts while the sources are generated and built: its DAG processor parses the
            # DAG files meanwhile.
            airflow_start = demo.background("start Airflow (scheduler, DAG processor, API server)",
                                            [*stir, "stack", "airflow", "start"], {**env, **SCHEDULER_ENV})
        demo.run(f"generate sources ({creators:,} creators)",
                 [*stir, "generate", "--creators", str(creators), "--seed", str(seed)], env)
        dbt_dirs = ["--project-dir", str(config.DBT_PROJECT_DIR), "--profiles-dir", str(config.DBT_PROFILES_DIR)]
        demo.run("dbt build: every model and data test", [_bin("dbt"), "build", *dbt_dirs], env)
        steps = [(f"tier {tag}", BY_TAG[tag].dag_id) for tag in TIER_ORDER]
        steps += [(f"sync {dag_id}", dag_id) for dag_id in sync_dags]
        if dags_test:
            airflow = _bin("airflow")
            for title, dag_id in steps:
                demo.run(title, [airflow, "dags", "test", dag_id], env)
        else:
            from stir.stack.airflow_api import AirflowApi

            demo.join(airflow_start)
            console.print(f"[bold]Airflow UI: {env['AIRFLOW__API__BASE_URL']}[/] (scheduler healthy)",
                          highlight=False)
            demo.dag_runs(AirflowApi(env["AIRFLOW__API__BASE_URL"]), steps, Path(env["AIRFLOW_HOME"]) / "logs")
        print_leaderboard(console, env)
        print_serving_tables(console, env)
        print_freshness(console, env, since)
        print_served_freshness(console, env)
        ok = True
    except StepFailed:
        pass
    except KeyboardInterrupt:
        console.print("[bold red]interrupted[/]" + ("" if keep else ": stopping Airflow and the stack"))
        raise
    finally:
        if keep:
            console.print(f"stack left running (--keep): `set -a; source {home / 'stack.env'}; set +a`, "
                          "then `stir stack down` when done (it stops Airflow first)", highlight=False)
        else:
            try:
                # Stops Airflow's whole process group first, then the stack.
                demo.run("stop Airflow and the embedded stack", [*stir, "stack", "down"], base)
            except StepFailed:
                ok = False
        demo.print_timings()
    console.print("[bold green]demo finished[/]" if ok else "[bold red]demo failed[/]")
    return 0 if ok else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="run the whole pipeline once on the embedded stack")
    parser.add_argument("--creators", type=int, default=int(os.environ.get("STIR_DEMO_CREATORS", "5000")))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="leave the stack (and Airflow) running afterwards")
    parser.add_argument("--dags-test", action="store_true",
                        help="run each DAG with `airflow dags test` instead of on Airflow's scheduler")
    parser.set_defaults(func=lambda args: run(args.creators, args.seed, args.keep, dags_test=args.dags_test))
