"""How generation and the dbt build scale with the number of creators (issue 11).

For each size (100k and 300k creators by default; --million adds 1M, tens of minutes):
a fresh embedded server with the stack's per-query memory cap, `stir generate`, a first
full `dbt run` (partition-wise where the models ask for it), then a 15-minute delta
(stir.generate.delta) and one steady-state run of every tier as its DAG selects it.
Reports per phase, per tier and per heavy model: wall seconds, the server's peak RSS
(sampled every 0.5 s) and CPU seconds, rows in/out, the data dir's disk use, and the scaling exponent
between consecutive sizes: log(time ratio) / log(data ratio), 1.0 = linear (target
<= 1.2). The steady-state runs should not grow with the history at all.

    python bench/bench_scale.py [--sizes 100000,300000] [--million] [--seed 1]

Prints tables and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import shutil
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psutil
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stir.chserver.testing import running_server  # noqa: E402
from stir.generate.delta import write_delta  # noqa: E402
from stir.generate.generator import generate  # noqa: E402
from stir.generate.testing import make_client, make_dbt_runner  # noqa: E402
from stir.generate.world import World  # noqa: E402
from stir.stack.components import CH_MAX_MEMORY_USAGE  # noqa: E402
from stir.tiers import TIERS  # noqa: E402

HEAVY = ("stg_beat_instagram_post", "stg_beat_youtube_video", "mart_instagram_post", "mart_time_series",
         "mart_insta_account_weekly")
BUILD_TIMEOUT = 4 * 3600


class RssSampler:
    """Peak RSS of one process, overall and per named phase."""

    def __init__(self, pid: int, every: float = 0.5):
        self.proc = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self._phase_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                rss = self.proc.memory_info().rss
            except psutil.Error:
                return
            self.peak = max(self.peak, rss)
            self._phase_peak = max(self._phase_peak, rss)
            self._stop.wait(self.every)

    def cpu_seconds(self) -> float:
        t = self.proc.cpu_times()
        return t.user + t.system

    @contextmanager
    def phase(self, out: dict):
        """Wall seconds, the server's CPU seconds (all its threads, background merges
        included: steadier than wall time on a shared machine) and peak RSS."""
        self._phase_peak = self.proc.memory_info().rss
        started, cpu = time.perf_counter(), self.cpu_seconds()
        try:
            yield out
        finally:
            out["seconds"] = round(time.perf_counter() - started, 2)
            out["server_cpu_s"] = round(self.cpu_seconds() - cpu, 1)
            out["peak_rss_mb"] = round(self._phase_peak / 2**20)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def du_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def model_results(dbt) -> dict[str, float]:
    results = json.loads((dbt.workdir / "target" / "run_results.json").read_text())
    return {r["unique_id"].split(".")[-1]: round(r["execution_time"], 2) for r in results["results"]
            if r["unique_id"].startswith("model.")}


def table_rows(client) -> dict[str, int]:
    rows = client.query("SELECT database, name, total_rows FROM system.tables "
                        "WHERE database IN ('dbt', 'beat', 'coffee', 'vidooly') AND total_rows IS NOT NULL").result_rows
    return {f"{db}.{name}": int(n) for db, name, n in rows}


def parents(dbt) -> dict[str, list[str]]:
    manifest = json.loads((dbt.workdir / "target" / "manifest.json").read_text())
    out = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model":
            ups = []
            for dep in node["depends_on"]["nodes"]:
                kind, _, *rest = dep.split(".")
                ups.append(f"{rest[0]}.{rest[1]}" if kind == "source" else f"dbt.{rest[-1]}")
            out[node["name"]] = ups
    return out


def tier_tags(dbt) -> dict[str, list[str]]:
    manifest = json.loads((dbt.workdir / "target" / "manifest.json").read_text())
    return {n["name"]: n["tags"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}


class Progress:
    """One size's results so far, saved after every phase: with --work-dir a run that failed
    (or was stopped) at 1M resumes at the phase it had not finished, on the same data dir."""

    def __init__(self, path: Path | None, creators: int):
        self.path = path
        self.data = json.loads(path.read_text()) if path and path.exists() else {"creators": creators}

    def done(self, key: str) -> bool:
        return bool(self.data.get(key, {}).get("complete"))

    def save(self) -> None:
        if self.path:
            self.path.write_text(json.dumps(self.data, indent=2))


def _dbt_build(dbt, state: Path, first: dict, select: str = "") -> None:
    """`dbt build` (models and their tests, or only `select` and its tests); after a failed
    attempt only what failed or was skipped runs again (dbt's result: selector against the
    last attempt's run_results)."""
    args = ["build"]
    if select:
        first["select"] = select
    retry = ["result:error+", "result:fail+", "result:skipped+", "state:new"]
    if (state / "run_results.json").exists():
        # plus nodes added since (a test split in two while fixing what failed); within `select`
        chosen = [f"{r},{s}" for r in retry for s in select.split()] if select else retry
        args += ["--select", *chosen, "--state", str(state)]
    elif select:
        args += ["--select", *select.split()]
    if select:
        # a test of a selected model that also reads an unselected one (relationships) stays out
        args += ["--indirect-selection", "cautious"]
    proc = dbt(*args, check=False, timeout=BUILD_TIMEOUT)
    results = json.loads((dbt.workdir / "target" / "run_results.json").read_text())["results"]
    state.mkdir(exist_ok=True)
    for name in ("run_results.json", "manifest.json"):
        shutil.copy(dbt.workdir / "target" / name, state / name)
    for r in results:
        parts = r["unique_id"].split(".")
        kind, name = parts[0], parts[2]  # tests' ids end in a hash: model.<project>.<name>, test.<project>.<name>.<hash>
        bucket = first.setdefault("models" if kind == "model" else "tests", {})
        if r["status"] in ("success", "pass", "warn"):
            bucket[name] = round(r["execution_time"], 2)
        first.setdefault("failed", {}).pop(name, None)
        if r["status"] in ("error", "fail"):
            first["failed"][name] = (r.get("message") or "")[:300]
    # a node removed from the project since (a split test) is no longer a failure
    names = {uid.split(".")[2] for uid in json.loads((state / "manifest.json").read_text())["nodes"]}
    first["failed"] = {k: v for k, v in first.get("failed", {}).items() if k in names}
    first["attempts"] = first.get("attempts", 0) + 1
    first["complete"] = proc.returncode == 0
    if first["complete"]:  # every earlier failure was re-run and passed, or lies outside `select`
        first["failed"] = {}


def _extend_build(console, creators: int, dbt, rss, first: dict, select: str, progress: Progress) -> None:
    """A size first built for one selection, measured later for another: build what the new
    selection adds (the first one excluded), recorded under first_build.extensions."""
    ext = first.setdefault("extensions", {}).setdefault(select, {})
    if ext.get("complete"):
        return
    args = ["build", "--select", *select.split(), "--exclude", *first["select"].split(),
            "--indirect-selection", "cautious"]
    with rss.phase(ext):
        proc = dbt(*args, check=False, timeout=BUILD_TIMEOUT)
    results = json.loads((dbt.workdir / "target" / "run_results.json").read_text())["results"]
    ext["models"] = model_results(dbt)
    ext["failed"] = {r["unique_id"].split(".")[2]: (r.get("message") or "")[:300] for r in results
                     if r["status"] in ("error", "fail")}
    ext["complete"] = proc.returncode == 0
    first.setdefault("models", {}).update(ext["models"])
    progress.save()
    if not ext["complete"]:
        raise SystemExit(f"{creators:,}: dbt build of {select} failed: {json.dumps(ext['failed'], indent=1)}")
    console.print(f"{creators:,}: built what {select} adds in {ext['seconds']} s, peak RSS {ext['peak_rss_mb']} MB")


def _nth(records: list[dict], i: int) -> dict:
    while len(records) <= i:
        records.append({})
    return records[i]


def _steady_cycle(console, creators: int, cycle: int, client, dbt, rss, record: dict, tiers: tuple[str, ...],
                  progress: Progress) -> None:
    """A 15-minute delta, then one run of every tier (or of `tiers`) as its DAG selects it."""
    if not record.get("delta", {}).get("complete"):
        with rss.phase(record.setdefault("delta", {})) as delta:
            delta["rows"] = {r.table: r.rows for r in write_delta(client, 15)}
        delta["complete"] = True
        progress.save()
    steady_all = record.setdefault("steady", {})
    for tier in TIERS:
        if steady_all.get(tier.tag, {}).get("complete") or (tiers and tier.tag not in tiers):
            continue
        args = ["run", "--select", f"tag:{tier.tag}"] + [a for ex in tier.exclude for a in ("--exclude", ex)]
        with rss.phase(steady_all.setdefault(tier.tag, {})) as steady:
            dbt(*args, timeout=BUILD_TIMEOUT)
            steady["models"] = model_results(dbt)
            steady["sql_seconds"] = round(sum(steady["models"].values()), 2)
        steady["complete"] = True
        progress.save()
        console.print(f"{creators:,}: steady-state {tier.tag} (cycle {cycle}) in {steady['seconds']} s wall, "
                      f"{steady['sql_seconds']} s of SQL")


def run_size(console: Console, creators: int, seed: int, data_root: Path | None, work_root: Path | None = None,
             syncs: bool = False, tiers: tuple[str, ...] = (), keep_going: bool = False, select: str = "",
             sync_tables: tuple[str, ...] = (), cycles: int = 1) -> dict:
    if work_root:
        work = work_root / str(creators)
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix=f"bench-scale-{creators}-", dir=data_root))
    data_dir = work / "clickhouse"
    progress = Progress(work / "progress.json" if work_root else None, creators)
    out = progress.data
    try:
        with running_server(data_dir=data_dir, startup_timeout=300,
                            log_level="WARNING", extra_args=("--max-memory-usage", CH_MAX_MEMORY_USAGE)) as server:
            client = make_client(server, send_receive_timeout=BUILD_TIMEOUT)
            dbt = make_dbt_runner(server, work / "dbt")
            rss = RssSampler(server.pid)
            if not progress.done("generate"):
                if data_dir.exists() and any(data_dir.iterdir()) and "generate" in out:
                    raise SystemExit(f"{work}: a generate phase was cut short; remove the directory to start over")
                world = World(seed=seed, anchor=datetime.now(UTC).replace(minute=0, second=0, microsecond=0,
                                                                          tzinfo=None), creators=creators)
                with rss.phase(out.setdefault("generate", {})) as gen:
                    gen["rows"] = sum(r.rows for r in generate(client, world))
                gen["complete"] = True
                out["disk_sources_mb"] = round(du_bytes(data_dir) / 2**20)
                progress.save()
            console.print(f"{creators:,}: generated {out['generate']['rows']:,} rows in {out['generate']['seconds']} s")

            first = out.setdefault("first_build", {})
            while not first.get("complete"):
                attempt = {}
                with rss.phase(attempt):
                    _dbt_build(dbt, work / "state", first, select)
                for key in ("seconds", "server_cpu_s"):
                    first[key] = round(first.get(key, 0) + attempt[key], 2)
                first["peak_rss_mb"] = max(first.get("peak_rss_mb", 0), attempt["peak_rss_mb"])
                progress.save()
                if not first["complete"] and keep_going:
                    console.print(f"{creators:,}: dbt build left out {len(first['failed'])} failed node(s) "
                                  f"({', '.join(first['failed'])}) and their descendants; going on (--keep-going)")
                    break
                if not first["complete"]:
                    raise SystemExit(f"{creators:,}: dbt build failed: {json.dumps(first['failed'], indent=1)}\n"
                                     f"fix it and run again with the same --work-dir: only what failed re-runs")
            if first.get("complete") and select and first.get("select") and select != first["select"]:
                _extend_build(console, creators, dbt, rss, first, select, progress)
            console.print(f"{creators:,}: first dbt build{' of ' + first['select'] if first.get('select') else ''} in {first['seconds']} s "
                          f"{'(complete)' if first['complete'] else '(INCOMPLETE)'} "
                          f"({first['attempts']} attempt(s)), peak RSS {first['peak_rss_mb']} MB")
            if "heavy" not in out:
                rows = table_rows(client)
                ups, tags = parents(dbt), tier_tags(dbt)
                out["heavy"] = {m: {"seconds": first["models"].get(m), "rows_in": sum(rows.get(u, 0) for u in ups[m]),
                                    "rows_out": rows.get(f"dbt.{m}", 0)} for m in HEAVY}
                out["first_by_tier"] = {t.tag: round(sum(s for m, s in first["models"].items()
                                                         if t.tag in tags.get(m, [])), 2) for t in TIERS}
                out["tests_seconds"] = round(sum(first.get("tests", {}).values()), 2)
                out["disk_built_mb"] = round(du_bytes(data_dir) / 2**20)
                progress.save()

            # cycle 1 records into `out` itself, later cycles into out["cycles"]: each is a fresh
            # 15-minute delta and one run of every tier, so a steady run that grows with the
            # history (parts piling up, a lookback that drifts) shows across the cycles
            for cycle in range(1, cycles + 1):
                record = out if cycle == 1 else _nth(out.setdefault("cycles", []), cycle - 2)
                _steady_cycle(console, creators, cycle, client, dbt, rss, record, tiers, progress)
            if syncs and not out.get("syncs_complete"):
                from bench.scale_syncs import run_syncs

                done = frozenset(n for n, r in out.get("syncs", {}).items() if "error" not in r)
                for name, result in run_syncs(server, work, console, done, sync_tables):
                    out.setdefault("syncs", {})[name] = result
                    progress.save()
                out["syncs_complete"] = not sync_tables
            out["server_peak_rss_mb"] = max(out.get("server_peak_rss_mb", 0), round(rss.peak / 2**20))
            progress.save()
            rss.stop()
            client.close()
    finally:
        if not work_root:
            shutil.rmtree(work, ignore_errors=True)
    return out


def exponent(t1: float | None, t2: float | None, n1: float, n2: float) -> str:
    if not t1 or not t2 or n1 <= 0 or n2 <= n1:
        return "-"
    return f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}"


def report(console: Console, runs: list[dict]) -> None:
    def row_for(label, pick):
        cells, exps, cells_values = [], [], []
        for i, run in enumerate(runs):
            try:
                value = pick(run)
            except KeyError:  # a phase this run skipped (--cycles 0: no delta, no steady runs)
                value = None
            cells_values.append(value)
            cells.append("-" if value is None else f"{value:,.1f}" if isinstance(value, float) else f"{value:,}")
            if i:
                exps.append(exponent(cells_values[i - 1], value, runs[i - 1]["generate"]["rows"], run["generate"]["rows"]))
        return [label, *cells, *exps]

    table = Table(title="scale: seconds (exponent = log time ratio / log source-row ratio; 1.0 linear)")
    table.add_column("step")
    for run in runs:
        table.add_column(f"{run['creators']:,}", justify="right")
    for a, b in zip(runs, runs[1:], strict=False):
        table.add_column(f"exp {a['creators'] // 1000}k->{b['creators'] // 1000}k", justify="right")
    table.add_row(*row_for("source rows", lambda r: r["generate"]["rows"]))
    table.add_row(*row_for("generate s", lambda r: r["generate"]["seconds"]))
    table.add_row(*row_for("  server CPU s", lambda r: r["generate"]["server_cpu_s"]))
    table.add_row(*row_for("first dbt build s", lambda r: r["first_build"]["seconds"]))
    table.add_row(*row_for("  server CPU s", lambda r: r["first_build"]["server_cpu_s"]))
    table.add_row(*row_for("  of it tests (s)", lambda r: r.get("tests_seconds")))
    for tier in TIERS:
        table.add_row(*row_for(f"  first {tier.tag} (model s)", lambda r, t=tier.tag: r["first_by_tier"][t]))
    for model in HEAVY:
        table.add_row(*row_for(f"  {model} s", lambda r, m=model: r["heavy"][m]["seconds"]))
        table.add_row(*row_for("    rows in", lambda r, m=model: r["heavy"][m]["rows_in"]))
        table.add_row(*row_for("    rows out", lambda r, m=model: r["heavy"][m]["rows_out"]))
    table.add_row(*row_for("delta rows", lambda r: sum(r["delta"]["rows"].values())))
    for tier in TIERS:
        table.add_row(*row_for(f"  steady {tier.tag} wall s", lambda r, t=tier.tag: r["steady"].get(t, {}).get("seconds")))
        table.add_row(*row_for("    SQL s", lambda r, t=tier.tag: r["steady"].get(t, {}).get("sql_seconds")))
        table.add_row(*row_for("    server CPU s", lambda r, t=tier.tag: r["steady"].get(t, {}).get("server_cpu_s")))
        for k in range(max(len(r.get("cycles", [])) for r in runs)):
            table.add_row(*row_for(f"    cycle {k + 2} SQL s", lambda r, t=tier.tag, k=k: (
                r.get("cycles", [])[k].get("steady", {}).get(t, {}).get("sql_seconds")
                if k < len(r.get("cycles", [])) else None)))
    table.add_row(*row_for("peak RSS generate MB", lambda r: r["generate"]["peak_rss_mb"]))
    table.add_row(*row_for("peak RSS first build MB", lambda r: r["first_build"]["peak_rss_mb"]))
    table.add_row(*row_for("peak RSS overall MB", lambda r: r["server_peak_rss_mb"]))
    table.add_row(*row_for("disk sources MB", lambda r: r["disk_sources_mb"]))
    table.add_row(*row_for("disk built MB", lambda r: r["disk_built_mb"]))
    console.print(table)
    for run in runs:
        if not run.get("syncs"):
            continue
        syncs = Table(title=f"syncs at {run['creators']:,} creators (seconds; PostgreSQL sizes in MB)")
        for col in ("table", "rows", "export", "download", "load+swap", "vacuum", "total s", "export MB",
                    "table MB", "indexes MB", "total MB"):
            syncs.add_column(col, justify="left" if col == "table" else "right")
        for name, r in run["syncs"].items():
            if "error" in r:
                syncs.add_row(name, "failed", r["error"][:60])
                continue
            st = r["steps"]
            syncs.add_row(name, f"{r['rows']:,}", *(str(st.get(k, "-")) for k in ("export", "download", "load+swap",
                                                                                   "vacuum analyze")),
                          str(r["seconds"]), str(r.get("export_mb", "-")), str(r["table_mb"]), str(r["indexes_mb"]),
                          str(r["total_mb"]))
        console.print(syncs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,300000", help="comma-separated creator counts")
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 creators (tens of minutes)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-root", type=Path, default=None, help="where the data dirs go (default: temp dir)")
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="keep each size's data dir and results here; a run stopped or failed in any phase "
                             "resumes there on the same data (only what failed is built again)")
    parser.add_argument("--keep-going", action="store_true",
                        help="after a dbt build that still fails, go on to the delta, steady-state runs and syncs "
                             "with what was built (the failures are recorded)")
    parser.add_argument("--tiers", default="", help="comma-separated tier tags for the steady-state runs "
                        "(default: every tier)")
    parser.add_argument("--select", default="",
                        help="dbt selection for the first build (e.g. '+tag:core'): measure one tier's lineage at "
                             "a size whose whole build does not fit the time at hand; steady runs need --tiers to match")
    parser.add_argument("--cycles", type=int, default=1,
                        help="delta + steady-state runs of every tier, repeated (default 1): a steady run must "
                             "not grow from one cycle to the next; 0: only the first build (and --syncs)")
    parser.add_argument("--sync-tables", default="",
                        help="with --syncs, only these served tables (comma-separated, e.g. instagram_post)")
    parser.add_argument("--syncs", action="store_true",
                        help="for the largest size also sync leaderboard, instagram_account and instagram_post "
                             "to PostgreSQL (moto S3, the local PostgreSQL): rows, step times, table/index sizes")
    args = parser.parse_args(argv)
    console = Console()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s} | ({1_000_000} if args.million else set()))
    tiers = tuple(t for t in args.tiers.split(",") if t)
    unknown = set(tiers) - {t.tag for t in TIERS}
    if unknown:
        parser.error(f"--tiers: unknown tier(s) {', '.join(sorted(unknown))}")
    if args.cycles < 0:
        parser.error(f"--cycles must be 0 or more; got {args.cycles}")
    sync_tables = tuple(t for t in args.sync_tables.split(",") if t)
    from bench.scale_syncs import SYNCS

    unknown = set(sync_tables) - {table for _, table, _, _ in SYNCS}
    if unknown:
        parser.error(f"--sync-tables: unknown table(s) {', '.join(sorted(unknown))}")
    runs = [run_size(console, n, args.seed, args.data_root, args.work_dir, args.syncs and n == max(sizes), tiers,
                     args.keep_going, args.select, sync_tables, args.cycles)
            for n in sizes]
    report(console, runs)
    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = out_dir / f"scale-{stamp}.json"
    out.write_text(json.dumps({"bench": "scale", "at": stamp, "machine": {
        "python": platform.python_version(), "cpus": psutil.cpu_count(), "load_avg": list(psutil.getloadavg())},
        "runs": runs}, indent=2))
    console.print(f"wrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
