"""How long `stir generate` takes through the embedded server, per table.

Generates --creators (default 100k, ~5M posts) on a fresh server and reports rows and
seconds per source table. Machine speed varies (and the machine is shared), so the
total is also given as a ratio to a baseline measured in the same run on the same
server: a plain INSERT ... SELECT of the same number of rows into a narrow MergeTree.

    python bench/bench_generate.py [--creators 100000] [--million] [--seed 1]

--million adds a 1M-creator run (minutes; checks that generation stays in the engine
and memory stays flat). Prints a table and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stir.chserver.testing import running_server  # noqa: E402
from stir.generate.generator import generate  # noqa: E402
from stir.generate.testing import make_client  # noqa: E402
from stir.generate.world import World  # noqa: E402

ANCHOR = datetime(2026, 11, 1, 0, 0, 0)


def baseline_seconds(client, rows: int) -> float:
    client.command("DROP TABLE IF EXISTS default.bench_generate_baseline SYNC")
    client.command("CREATE TABLE default.bench_generate_baseline (id UInt64, h UInt64, s String) "
                   "ENGINE = MergeTree ORDER BY id")
    started = time.perf_counter()
    client.command(f"INSERT INTO default.bench_generate_baseline SELECT number, cityHash64(number), toString(number) "
                   f"FROM numbers_mt({rows})")
    elapsed = time.perf_counter() - started
    client.command("DROP TABLE default.bench_generate_baseline SYNC")
    return elapsed


def run_once(console: Console, creators: int, seed: int) -> dict:
    with running_server() as server:
        client = make_client(server, send_receive_timeout=7200)
        proc = psutil.Process(server.pid)
        peak_rss = proc.memory_info().rss
        tables = []
        started = time.perf_counter()
        for result in generate(client, World(seed=seed, anchor=ANCHOR, creators=creators)):
            peak_rss = max(peak_rss, proc.memory_info().rss)
            tables.append({"table": result.table, "rows": result.rows, "seconds": round(result.seconds, 3)})
            console.print(f"  {creators:>9,} creators  {result.table:<38} {result.rows:>12,} rows {result.seconds:7.2f} s")
        total = time.perf_counter() - started
        rows = sum(t["rows"] for t in tables)
        base = baseline_seconds(client, rows)
        client.close()
    return {"creators": creators, "seed": seed, "total_seconds": round(total, 3), "total_rows": rows,
            "baseline_seconds": round(base, 3), "ratio_to_baseline": round(total / base, 2),
            "rows_per_second": round(rows / total), "server_peak_rss_mb": round(peak_rss / 2**20), "tables": tables}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="also generate 1,000,000 creators")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    console = Console()
    sizes = [args.creators] + ([1_000_000] if args.million and args.creators != 1_000_000 else [])
    runs = [run_once(console, n, args.seed) for n in sizes]

    per_table = Table(title="rows and seconds per source table")
    per_table.add_column("table")
    for run in runs:
        per_table.add_column(f"rows ({run['creators']:,})", justify="right")
        per_table.add_column("s", justify="right")
    for i, entry in enumerate(runs[0]["tables"]):
        cells = []
        for run in runs:
            cells += [f"{run['tables'][i]['rows']:,}", f"{run['tables'][i]['seconds']:.2f}"]
        per_table.add_row(entry["table"], *cells)
    console.print(per_table)

    summary = Table(title="generation through the server")
    for col in ("creators", "rows", "seconds", "rows/s", "baseline s (same rows, plain insert)", "ratio", "server peak RSS MB"):
        summary.add_column(col, justify="right")
    for run in runs:
        summary.add_row(f"{run['creators']:,}", f"{run['total_rows']:,}", f"{run['total_seconds']:.1f}",
                        f"{run['rows_per_second']:,}", f"{run['baseline_seconds']:.2f}", f"{run['ratio_to_baseline']:.1f}x",
                        str(run["server_peak_rss_mb"]))
    console.print(summary)

    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = out_dir / f"generate-{stamp}.json"
    out.write_text(json.dumps({"bench": "generate", "at": stamp, "machine": {
        "python": platform.python_version(), "cpus": psutil.cpu_count(), "load_avg": list(psutil.getloadavg())},
        "runs": runs}, indent=2))
    console.print(f"wrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
