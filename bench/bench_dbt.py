"""How long the dbt project takes on the embedded server, and where the time goes.

On a fresh server with --creators (default 100k, ~5M posts) of generated data:
generation, `dbt parse`, full `dbt build` (models + tests), `dbt run`, each tier's
`dbt run --select tag:<tier>` (with its DAG's excludes from stir.tiers), the 15 slowest
models, and dbt's fixed cost per model: a `--threads 1` run split into dbt start-up,
per-model time outside execution, and, inside execution, every SQL statement dbt sent
(classified from dbt.log: the model's CREATE/INSERT vs metadata queries) against the
server's per-request cost (`select 1` round trip) and its request log; and the output
floor: every model's table copied once and read once with no computation, the least any
full build of these outputs can cost on this machine.

    python bench/bench_dbt.py [--creators 100000] [--seed 1] [--threads 4] [--no-tiers]

Targets on 2 cores: whole build <= 60 s, tag:core <= 10 s. The machine is shared, so
load averages at start and end are recorded next to the figures. Prints tables and
writes JSON to bench/results/dbt-<utc stamp>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stir.chserver.testing import running_server  # noqa: E402
from stir.config import DBT_PROJECT_DIR  # noqa: E402
from stir.generate.generator import generate  # noqa: E402
from stir.generate.testing import DBT_BIN, dbt_env, make_client  # noqa: E402
from stir.generate.world import World  # noqa: E402
from stir.tiers import TIERS  # noqa: E402

ANCHOR_NOTE = "current hour (models compare against now())"
TARGET_BUILD_S = 60.0
TARGET_CORE_S = 10.0
SINGLE_MODEL = "stg_coffee_brand"  # smallest model: its run is almost pure dbt start-up

_LOG_LINE = re.compile(r"^\x1b\[0m(\d\d:\d\d:\d\d\.\d+) \[\s*(\w+)\s*\] \[([^\]]*)\]: (.*)$")
_ON_NODE = re.compile(r"dbt_clickhouse adapter: On ([\w.\-]+): (.*)$")
_STATUS = re.compile(r"dbt_clickhouse adapter: SQL status: \w+ in ([\d.]+) seconds")
_SERVER_REQ = re.compile(r"INFO stir\.chserver: (?:POST|GET) / query_id=\S+ ([\d.]+) ms")


# -- dbt invocations -----------------------------------------------------------------------

@dataclass
class DbtRun:
    label: str
    args: tuple[str, ...]
    wall: float
    returncode: int
    results: dict
    log_dir: Path
    server_requests: int = 0
    server_ms: float = 0.0

    def nodes(self, kind: str) -> list[dict]:
        return [r for r in self.results.get("results", []) if r["unique_id"].startswith(kind + ".")]

    def exec_sum(self, kind: str) -> float:
        return sum(r["execution_time"] for r in self.nodes(kind))

    def statuses(self) -> Counter:
        return Counter(r["status"] for r in self.results.get("results", []))


class Dbt:
    def __init__(self, server, workdir: Path, threads: int, console: Console):
        self.server, self.workdir, self.threads, self.console = server, workdir, threads, console
        self.count = 0

    def __call__(self, label: str, *args: str, threads: int | None = None) -> DbtRun:
        self.count += 1
        log_dir = self.workdir / "logs" / f"{self.count:02d}-{re.sub(r'[^a-z0-9]+', '_', label.lower())}"
        env = dbt_env(self.server, self.workdir)
        env.update(DBT_LOG_PATH=str(log_dir), STIR_DBT_THREADS=str(threads or self.threads))
        results_path = self.workdir / "target" / "run_results.json"
        results_path.unlink(missing_ok=True)
        log_offset = self.server.log_path.stat().st_size
        cmd = [str(DBT_BIN), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
        self.console.print(f"[dim]{datetime.now(UTC):%H:%M:%S}[/] {label}: dbt {' '.join(args)} "
                           f"(threads {threads or self.threads}, load {os.getloadavg()[0]:.1f})")
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        results = json.loads(results_path.read_text()) if results_path.exists() else {}
        run = DbtRun(label, tuple(args), wall, proc.returncode, results, log_dir)
        run.server_requests, run.server_ms = server_requests(self.server.log_path, log_offset)
        status = ", ".join(f"{k} {v}" for k, v in sorted(run.statuses().items())) or "no results"
        self.console.print(f"    {wall:7.1f} s  exit {proc.returncode}  {status}  "
                           f"server requests {run.server_requests:,}")
        if proc.returncode != 0:
            errors = [ln for ln in proc.stdout.splitlines() if " ERROR " in ln or "Error in" in ln]
            self.console.print("    [red]" + "\n    ".join(errors[:8] or [proc.stdout[-1500:] + proc.stderr[-1500:]]))
        return run


def server_requests(log_path: Path, offset: int) -> tuple[int, float]:
    with open(log_path, "rb") as f:
        f.seek(offset)
        text = f.read().decode(errors="replace")
    times = [float(m.group(1)) for m in _SERVER_REQ.finditer(text)]
    return len(times), sum(times)


# -- dbt.log: every statement dbt sent, per node -----------------------------------------------

@dataclass
class Statement:
    node: str
    kind: str
    seconds: float | None = None


@dataclass
class LogProfile:
    statements: list[Statement] = field(default_factory=list)

    def for_nodes(self, prefix: str) -> list[Statement]:
        return [s for s in self.statements if s.node.startswith(prefix) and s.seconds is not None]


def classify(sql: str) -> str:
    s = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    s = " ".join(s.split()).lower()
    if "system.columns" in s:
        return "select system.columns"
    if re.search(r"\bfrom system\.\w+", s):
        return "select " + re.search(r"\bfrom (system\.\w+)", s).group(1)
    if s.startswith("exchange tables"):
        return "exchange tables"
    if s.startswith("show create"):
        return "show create"
    if s.startswith(("describe", "desc ")):
        return "describe"
    if s.startswith("create table") and " empty as " in f" {s} ":
        return "create table empty as"
    if s.startswith("create table") and " as " in s:
        return "create table as select"
    if s.startswith("create"):
        return " ".join(s.split()[:2])
    if s.startswith("insert into"):
        return "insert into ... select"
    if s.startswith(("drop table", "drop view")):
        return "drop table"
    if s.startswith("rename"):
        return "rename table"
    if s.startswith(("select", "with", "(")):
        return "select (test / is_incremental / other)"
    return s.split(" ", 1)[0] if s else "empty"


def parse_dbt_log(log_dir: Path) -> LogProfile:
    """Statements from dbt.log: 'On <node>: <sql ...>' then, on the same thread,
    'SQL status: OK in <s> seconds'. SQL spans lines until the next log record."""
    profile = LogProfile()
    path = log_dir / "dbt.log"
    if not path.exists():
        return profile
    pending: dict[str, Statement] = {}
    current: tuple[str, str, list[str]] | None = None  # thread, node, sql lines

    def close_current():
        nonlocal current
        if current:
            thread, node, lines = current
            stmt = Statement(node, classify("\n".join(lines)))
            profile.statements.append(stmt)
            pending[thread] = stmt
            current = None

    for raw in path.read_text(errors="replace").splitlines():
        m = _LOG_LINE.match(raw)
        if not m:
            if current:
                current[2].append(raw)
            continue
        close_current()
        thread, message = m.group(3), m.group(4)
        on = _ON_NODE.search(message)
        if on:
            current = (thread, on.group(1), [on.group(2)])
            continue
        st = _STATUS.search(message)
        if st and thread in pending:
            pending.pop(thread).seconds = float(st.group(1))
    close_current()
    return profile


# -- measurements --------------------------------------------------------------------------------

def round_trip_ms(server, n: int = 200) -> float:
    client = make_client(server)
    try:
        samples = []
        for _ in range(n):
            t0 = time.perf_counter()
            client.command("SELECT 1")
            samples.append((time.perf_counter() - t0) * 1000)
        return statistics.median(samples)
    finally:
        client.close()


def output_floor(server, workdir: Path, console: Console) -> dict:
    """What writing the project's outputs costs with no computation at all: every model's
    table copied once (CREATE TABLE AS its DDL, INSERT SELECT * from it: read, sort by its
    key, compress, write) into a scratch database, then every table read once as a test
    would. No build of these outputs can take less, so a target below it is out of reach
    without writing less."""
    manifest = json.loads((workdir / "target" / "manifest.json").read_text())
    relations = sorted(n["relation_name"] for n in manifest["nodes"].values()
                       if n["resource_type"] == "model" and n["config"].get("materialized") != "view")
    client = make_client(server, send_receive_timeout=7200)
    copies: list[tuple[float, str]] = []
    try:
        client.command("DROP DATABASE IF EXISTS bench_floor")
        client.command("CREATE DATABASE bench_floor")
        for relation in relations:
            copy = f"bench_floor.`{relation.split('.')[-1].strip('`')}`"
            client.command(f"CREATE TABLE {copy} AS {relation}")
            started = time.perf_counter()
            client.command(f"INSERT INTO {copy} SELECT * FROM {relation} SETTINGS optimize_on_insert = 0")
            copies.append((time.perf_counter() - started, relation))
        started = time.perf_counter()
        for relation in relations:
            client.command(f"SELECT * FROM {relation} FORMAT Null")
        read_seconds = time.perf_counter() - started
    finally:
        client.command("DROP DATABASE IF EXISTS bench_floor")
        client.close()
    copy_seconds = sum(d for d, _ in copies)
    console.print(f"    output floor: copy {copy_seconds:.1f} s, read {read_seconds:.1f} s over {len(relations)} tables")
    return {"tables": len(relations), "copy_seconds": round(copy_seconds, 2), "read_seconds": round(read_seconds, 2),
            "largest": [{"table": r.split(".")[-1].strip("`"), "copy_seconds": round(d, 2)}
                        for d, r in sorted(copies, reverse=True)[:8]]}


def tier_selection(tier) -> tuple[str, ...]:
    excludes = [e for e in tier.exclude if e != f"tag:{tier.tag}"]
    return ("--select", f"tag:{tier.tag}", *(("--exclude", *excludes) if excludes else ()))


def statement_breakdown(profile: LogProfile, prefix: str, n_nodes: int) -> list[dict]:
    by_kind: dict[str, list[float]] = defaultdict(list)
    for s in profile.for_nodes(prefix):
        by_kind[s.kind].append(s.seconds)
    rows = [{"statement": k, "count": len(v), "per_node": round(len(v) / max(n_nodes, 1), 2),
             "seconds": round(sum(v), 2), "avg_ms": round(1000 * sum(v) / len(v), 1)} for k, v in by_kind.items()]
    return sorted(rows, key=lambda r: -r["seconds"])


def main_statement_seconds(profile: LogProfile) -> dict[str, float]:
    """Per model: seconds of the statements that compute its rows (the engine's real work)."""
    out: dict[str, float] = defaultdict(float)
    for s in profile.for_nodes("model."):
        if s.kind in ("insert into ... select", "create table as select"):
            out[s.node] += s.seconds
    return out


def bench(console: Console, args) -> dict:
    load_start = list(os.getloadavg())
    workdir = Path(tempfile.mkdtemp(prefix="bench-dbt-"))
    console.print(f"dbt target/ and logs/ in {workdir}")
    with running_server(port=args.port) as server:
        client = make_client(server, send_receive_timeout=7200)
        anchor = datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)
        console.print(f"generating {args.creators:,} creators (seed {args.seed}) on {server.url} ...")
        started = time.perf_counter()
        gen_rows = sum(r.rows for r in generate(client, World(seed=args.seed, anchor=anchor, creators=args.creators)))
        gen_seconds = time.perf_counter() - started
        client.close()
        console.print(f"    {gen_seconds:7.1f} s  {gen_rows:,} rows")
        rtt = round_trip_ms(server)

        dbt = Dbt(server, workdir, args.threads, console)
        parse = dbt("parse", "parse")
        build = dbt("build", "build")
        run = dbt("run", "run")
        tiers = [] if args.no_tiers else [(t, dbt(f"tag:{t.tag}", "run", *tier_selection(t))) for t in TIERS]
        single = dbt("single model", "run", "--select", SINGLE_MODEL, threads=1)
        serial = dbt("run --threads 1", "run", threads=1)
        floor = output_floor(server, workdir, console)
    load_end = list(os.getloadavg())
    try:
        return summarise(args, load_start, load_end, gen_seconds, gen_rows, rtt, parse, build, run, tiers,
                         single, serial, floor)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def summarise(args, load_start, load_end, gen_seconds, gen_rows, rtt, parse, build, run, tiers,
              single, serial, floor) -> dict:
    n_models = len(serial.nodes("model"))
    startup = single.wall - single.exec_sum("model")
    serial_exec = serial.exec_sum("model")
    serial_profile = parse_dbt_log(serial.log_dir)
    serial_statements = serial_profile.for_nodes("model.")
    main_seconds = main_statement_seconds(serial_profile)
    sql_seconds = sum(s.seconds for s in serial_statements)
    build_profile = parse_dbt_log(build.log_dir)
    n_tests = len(build.nodes("test"))

    def phase(r: DbtRun, target: float | None = None) -> dict:
        return {"label": r.label, "args": list(r.args), "wall_seconds": round(r.wall, 2), "exit": r.returncode,
                "dbt_elapsed": round(r.results.get("elapsed_time", 0.0), 2),
                "models": len(r.nodes("model")), "tests": len(r.nodes("test")),
                "model_exec_sum": round(r.exec_sum("model"), 2), "test_exec_sum": round(r.exec_sum("test"), 2),
                "statuses": dict(r.statuses()), "server_requests": r.server_requests,
                "server_ms_sum": round(r.server_ms), "target_seconds": target,
                "meets_target": None if target is None else r.wall <= target and r.returncode == 0}

    slowest = sorted(run.nodes("model"), key=lambda r: -r["execution_time"])[:15]
    per_model = [{"model": r["unique_id"].split(".")[-1], "execution_seconds": round(r["execution_time"], 2),
                  "serial_execution_seconds": round(next((s["execution_time"] for s in serial.nodes("model")
                                                          if s["unique_id"] == r["unique_id"]), 0.0), 2),
                  "engine_seconds_serial": round(main_seconds.get(r["unique_id"], 0.0), 2),
                  "status": r["status"]} for r in slowest]
    return {
        "creators": args.creators, "seed": args.seed, "anchor": ANCHOR_NOTE, "threads": args.threads,
        "load_avg_start": load_start, "load_avg_end": load_end,
        "generate": {"seconds": round(gen_seconds, 2), "rows": gen_rows},
        "phases": [phase(parse), phase(build, TARGET_BUILD_S), phase(run)]
                  + [phase(r, TARGET_CORE_S if t.tag == "core" else None) for t, r in tiers]
                  + [phase(single), phase(serial)],
        "slowest_models": per_model,
        "output_floor": {**floor, "dbt_startup_seconds": round(startup, 2),
                         "lower_bound_seconds": round(floor["copy_seconds"] + floor["read_seconds"] + startup, 2),
                         "build_over_lower_bound": round(build.wall / max(floor["copy_seconds"] + floor["read_seconds"]
                                                                          + startup, 1e-9), 2)},
        "overhead": {
            "select_1_round_trip_ms": round(rtt, 2),
            "dbt_startup_seconds": round(startup, 2),
            "serial_wall_seconds": round(serial.wall, 2),
            "serial_models": n_models,
            "serial_model_exec_sum": round(serial_exec, 2),
            "outside_execution_per_model_s": round((serial.wall - startup - serial_exec) / max(n_models, 1), 3),
            "inside_execution_sql_per_model_s": round(sql_seconds / max(n_models, 1), 3),
            "inside_execution_python_per_model_s": round((serial_exec - sql_seconds) / max(n_models, 1), 3),
            "engine_main_statements_s": round(sum(main_seconds.values()), 2),
            "fixed_overhead_per_model_s": round((serial.wall - startup - sum(main_seconds.values()))
                                                / max(n_models, 1), 3),
            "statements_per_model": round(len(serial_statements) / max(n_models, 1), 2),
            "server_requests_per_model": round(serial.server_requests / max(n_models, 1), 2),
            "serial_statements": statement_breakdown(serial_profile, "model.", n_models),
            "build_test_statements": statement_breakdown(build_profile, "test.", n_tests),
            "build_model_statements": statement_breakdown(build_profile, "model.", len(build.nodes("model"))),
        },
    }


# -- output -------------------------------------------------------------------------------------------

def show(console: Console, res: dict) -> None:
    phases = Table(title=f"dbt on the embedded server: {res['creators']:,} creators, threads {res['threads']}, "
                         f"load {res['load_avg_start'][0]:.1f} -> {res['load_avg_end'][0]:.1f}")
    for col in ("phase", "wall s", "models", "tests", "model exec sum s", "test exec sum s", "server req",
                "statuses", "target"):
        phases.add_column(col, justify="left" if col in ("phase", "statuses") else "right")
    phases.add_row("generate", f"{res['generate']['seconds']:.1f}", "", "", "", "", "",
                   f"{res['generate']['rows']:,} rows", "")
    for p in res["phases"]:
        target = "" if p["target_seconds"] is None else (
            f"<= {p['target_seconds']:.0f} s " + ("[green]met" if p["meets_target"] else "[red]missed"))
        phases.add_row(p["label"], f"{p['wall_seconds']:.1f}", str(p["models"]), str(p["tests"]),
                       f"{p['model_exec_sum']:.1f}", f"{p['test_exec_sum']:.1f}", f"{p['server_requests']:,}",
                       ", ".join(f"{k} {v}" for k, v in sorted(p["statuses"].items())), target)
    console.print(phases)

    slow = Table(title="15 slowest models (dbt run; engine = its CREATE AS / INSERT SELECT in the --threads 1 run)")
    for col in ("model", "exec s (threads N)", "exec s (threads 1)", "engine s", "status"):
        slow.add_column(col, justify="left" if col in ("model", "status") else "right")
    for m in res["slowest_models"]:
        slow.add_row(m["model"], f"{m['execution_seconds']:.2f}", f"{m['serial_execution_seconds']:.2f}",
                     f"{m['engine_seconds_serial']:.2f}", m["status"])
    console.print(slow)

    f = res["output_floor"]
    fl = Table(title="output floor: the build's tables copied once (no computation) and read once")
    fl.add_column("measure")
    fl.add_column("s", justify="right")
    fl.add_row(f"copy all {f['tables']} model tables (INSERT SELECT *: read, sort, compress, write)",
               f"{f['copy_seconds']:.1f}")
    for t in f["largest"]:
        fl.add_row(f"  {t['table']}", f"{t['copy_seconds']:.2f}")
    fl.add_row("read every table once (the least the data tests can read)", f"{f['read_seconds']:.1f}")
    fl.add_row("dbt start-up", f"{f['dbt_startup_seconds']:.1f}")
    fl.add_row("lower bound for any full build (sum)", f"{f['lower_bound_seconds']:.1f}")
    fl.add_row(f"full build / lower bound (target {TARGET_BUILD_S:.0f} s)", f"{f['build_over_lower_bound']:.2f}x")
    console.print(fl)

    o = res["overhead"]
    over = Table(title="where a model's time goes (dbt run --threads 1)")
    over.add_column("measure")
    over.add_column("value", justify="right")
    for key, label in (
        ("dbt_startup_seconds", "dbt start-up per invocation, s"),
        ("serial_wall_seconds", "wall, s"),
        ("serial_models", "models"),
        ("engine_main_statements_s", "engine: CREATE AS / INSERT SELECT total, s"),
        ("fixed_overhead_per_model_s", "fixed overhead per model (wall - start-up - engine) / models, s"),
        ("outside_execution_per_model_s", "  of which outside execution (compile, scheduling), s"),
        ("inside_execution_sql_per_model_s", "  SQL statements inside execution per model, s"),
        ("inside_execution_python_per_model_s", "  adapter Python between statements per model, s"),
        ("statements_per_model", "SQL statements per model (dbt.log)"),
        ("server_requests_per_model", "HTTP requests per model (server log)"),
        ("select_1_round_trip_ms", "server round trip of SELECT 1, ms"),
    ):
        value = o[key]
        over.add_row(label, f"{value:,.3f}" if isinstance(value, float) else f"{value:,}")
    console.print(over)

    for key, title in (("serial_statements", "statements per model (dbt run --threads 1)"),
                       ("build_model_statements", "statements per model (dbt build)"),
                       ("build_test_statements", "statements per data test (dbt build)")):
        t = Table(title=title)
        for col in ("statement", "count", "per node", "total s", "avg ms"):
            t.add_column(col, justify="left" if col == "statement" else "right")
        for r in o[key]:
            t.add_row(r["statement"], f"{r['count']:,}", f"{r['per_node']:.2f}", f"{r['seconds']:.1f}",
                      f"{r['avg_ms']:.0f}")
        console.print(t)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("STIR_DBT_THREADS", "2")))
    parser.add_argument("--port", type=int, default=None, help="server port (default: a free one)")
    parser.add_argument("--no-tiers", action="store_true", help="skip the per-tier runs")
    parser.add_argument("--keep", action="store_true", help="keep the dbt target/ and logs/ (path is printed)")
    args = parser.parse_args(argv)
    console = Console(width=160)
    res = bench(console, args)
    show(console, res)
    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = out_dir / f"dbt-{stamp}.json"
    out.write_text(json.dumps({"bench": "dbt", "at": stamp, "machine": {
        "python": platform.python_version(), "cpus": psutil.cpu_count()}, **res}, indent=2))
    console.print(f"wrote {out.relative_to(REPO)}")
    build = next(p for p in res["phases"] if p["label"] == "build")
    return 0 if build["exit"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
