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


def run_size(console: Console, creators: int, seed: int, data_root: Path | None) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"bench-scale-{creators}-", dir=data_root))
    data_dir = work / "clickhouse"
    out: dict = {"creators": creators}
    try:
        with running_server(data_dir=data_dir, startup_timeout=120,
                            log_level="WARNING", extra_args=("--max-memory-usage", CH_MAX_MEMORY_USAGE)) as server:
            client = make_client(server, send_receive_timeout=BUILD_TIMEOUT)
            dbt = make_dbt_runner(server, work / "dbt")
            rss = RssSampler(server.pid)
            world = World(seed=seed, anchor=datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None),
                          creators=creators)
            with rss.phase(out.setdefault("generate", {})) as gen:
                gen["rows"] = sum(r.rows for r in generate(client, world))
            console.print(f"{creators:,}: generated {gen['rows']:,} rows in {gen['seconds']} s")
            out["disk_sources_mb"] = round(du_bytes(data_dir) / 2**20)

            with rss.phase(out.setdefault("first_build", {})) as first:
                dbt("run", timeout=BUILD_TIMEOUT)
                first["models"] = model_results(dbt)
            console.print(f"{creators:,}: first dbt run in {first['seconds']} s, peak RSS {first['peak_rss_mb']} MB")
            rows = table_rows(client)
            ups, tags = parents(dbt), tier_tags(dbt)
            out["heavy"] = {m: {"seconds": first["models"].get(m), "rows_in": sum(rows.get(u, 0) for u in ups[m]),
                                "rows_out": rows.get(f"dbt.{m}", 0)} for m in HEAVY}
            out["first_by_tier"] = {t.tag: round(sum(s for m, s in first["models"].items() if t.tag in tags.get(m, [])), 2)
                                    for t in TIERS}
            out["disk_built_mb"] = round(du_bytes(data_dir) / 2**20)

            with rss.phase(out.setdefault("delta", {})) as delta:
                delta["rows"] = {r.table: r.rows for r in write_delta(client, 15)}
            out["steady"] = {}
            for tier in TIERS:
                args = ["run", "--select", f"tag:{tier.tag}"] + [a for ex in tier.exclude for a in ("--exclude", ex)]
                with rss.phase(out["steady"].setdefault(tier.tag, {})) as steady:
                    dbt(*args, timeout=BUILD_TIMEOUT)
                    steady["models"] = model_results(dbt)
                    steady["sql_seconds"] = round(sum(steady["models"].values()), 2)
                console.print(f"{creators:,}: steady-state {tier.tag} in {steady['seconds']} s")
            out["server_peak_rss_mb"] = round(rss.peak / 2**20)
            rss.stop()
            client.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def exponent(t1: float | None, t2: float | None, n1: float, n2: float) -> str:
    if not t1 or not t2 or n1 <= 0 or n2 <= n1:
        return "-"
    return f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}"


def report(console: Console, runs: list[dict]) -> None:
    def row_for(label, pick):
        cells, exps = [], []
        for i, run in enumerate(runs):
            value = pick(run)
            cells.append("-" if value is None else f"{value:,.1f}" if isinstance(value, float) else f"{value:,}")
            if i:
                exps.append(exponent(pick(runs[i - 1]), value, runs[i - 1]["generate"]["rows"], run["generate"]["rows"]))
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
    table.add_row(*row_for("first dbt run s", lambda r: r["first_build"]["seconds"]))
    table.add_row(*row_for("  server CPU s", lambda r: r["first_build"]["server_cpu_s"]))
    for tier in TIERS:
        table.add_row(*row_for(f"  first {tier.tag} (model s)", lambda r, t=tier.tag: r["first_by_tier"][t]))
    for model in HEAVY:
        table.add_row(*row_for(f"  {model} s", lambda r, m=model: r["heavy"][m]["seconds"]))
        table.add_row(*row_for("    rows in", lambda r, m=model: r["heavy"][m]["rows_in"]))
        table.add_row(*row_for("    rows out", lambda r, m=model: r["heavy"][m]["rows_out"]))
    table.add_row(*row_for("delta rows", lambda r: sum(r["delta"]["rows"].values())))
    for tier in TIERS:
        table.add_row(*row_for(f"  steady {tier.tag} wall s", lambda r, t=tier.tag: r["steady"][t]["seconds"]))
        table.add_row(*row_for("    SQL s", lambda r, t=tier.tag: r["steady"][t]["sql_seconds"]))
        table.add_row(*row_for("    server CPU s", lambda r, t=tier.tag: r["steady"][t]["server_cpu_s"]))
    table.add_row(*row_for("peak RSS generate MB", lambda r: r["generate"]["peak_rss_mb"]))
    table.add_row(*row_for("peak RSS first run MB", lambda r: r["first_build"]["peak_rss_mb"]))
    table.add_row(*row_for("peak RSS overall MB", lambda r: r["server_peak_rss_mb"]))
    table.add_row(*row_for("disk sources MB", lambda r: r["disk_sources_mb"]))
    table.add_row(*row_for("disk built MB", lambda r: r["disk_built_mb"]))
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,300000", help="comma-separated creator counts")
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 creators (tens of minutes)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-root", type=Path, default=None, help="where the data dirs go (default: temp dir)")
    args = parser.parse_args(argv)
    console = Console()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s} | ({1_000_000} if args.million else set()))
    runs = [run_size(console, n, args.seed, args.data_root) for n in sizes]
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
