"""How long Airflow takes to parse Stir's DAGs, as ratios against a one-task baseline DAG.

Measured in fresh interpreters with Airflow already imported and, like the DAG processor
(parsing_pre_import_modules), the airflow.* modules a file names pre-imported; so module-level
imports in stir/airflow count:
  all      DagBag over the whole dags/ folder (78 files)
  per-file DagBag over one file of each kind (first parse pays for its shared imports)
  baseline DagBag over a single file with one EmptyOperator, the floor for any DAG file
  cold     the whole folder without the pre-import (a bare `DagBag('dags')`)
Target: the whole folder under 1 s here. Prints a table; JSON to bench/results/dag_parse.json.

    .venv/bin/python bench/bench_dag_parse.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DAGS = REPO / "dags"
RESULTS = REPO / "bench" / "results" / "dag_parse.json"

BASELINE_DAG = '''
import datetime as dt
from airflow.sdk import DAG
from airflow.providers.standard.operators.empty import EmptyOperator

with DAG(dag_id="baseline", schedule="0 * * * *", start_date=dt.datetime(2024, 1, 1), catchup=False):
    EmptyOperator(task_id="noop")
'''

PROBE = r'''
import importlib, json, sys, time
from pathlib import Path
import airflow  # noqa: F401  (the DAG processor's parent has Airflow imported already)
from airflow.dag_processing.dagbag import DagBag
from airflow.utils.file import iter_airflow_imports
target = Path(sys.argv[1])
if sys.argv[2] == "pre-import":  # what the DAG processor does before forking a file's parser
    for f in ([target] if target.is_file() else sorted(target.rglob("*.py"))):
        for module in iter_airflow_imports(str(f)):
            importlib.import_module(module)
t0 = time.perf_counter()
bag = DagBag(sys.argv[1])
elapsed = time.perf_counter() - t0
stats = sorted(((s.file, s.duration.total_seconds()) for s in bag.dagbag_stats), key=lambda x: -x[1])
print(json.dumps({"seconds": elapsed, "dags": len(bag.dags), "errors": len(bag.import_errors),
                  "slowest": stats[:5]}))
'''

KINDS = {
    "dbt (DbtRunOperator)": DAGS / "dbt" / "dbt_core.py",
    "dbt + ShortCircuit": DAGS / "dbt" / "dbt_hourly.py",
    "sync (builder)": DAGS / "collection" / "sync_leaderboard_prod.py",
    "scrape request": DAGS / "instagram" / "sync_insta_collection_posts.py",
    "asset upload": DAGS / "assets" / "upload_post_asset.py",
    "ops check": DAGS / "operational" / "check_scrape_health.py",
}


def measure(path: Path, repeat: int, mode: str = "pre-import") -> dict:
    env = dict(os.environ)
    env.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    env.setdefault("AIRFLOW_HOME", str(Path(tempfile.gettempdir()) / "stir-bench-airflow"))
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", PROBE, str(path), mode], env=env, capture_output=True, text=True,
                             timeout=300, cwd=REPO)
        if out.returncode != 0:
            raise SystemExit(f"parse probe failed for {path}:\n{out.stderr[-2000:]}")
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["seconds"])
    return {"median_s": statistics.median(r["seconds"] for r in runs), "best_s": best["seconds"],
            "dags": best["dags"], "errors": best["errors"], "slowest": best["slowest"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        baseline_file = Path(tmp) / "baseline_dag.py"
        baseline_file.write_text(BASELINE_DAG)
        print("measuring baseline ...", flush=True)
        baseline = measure(baseline_file, args.repeat)
    results = {"baseline": baseline}
    for name, path in KINDS.items():
        print(f"measuring {name} ...", flush=True)
        results[name] = measure(path, args.repeat)
    print("measuring all of dags/ ...", flush=True)
    results["all dags/"] = measure(DAGS, args.repeat)
    print("measuring all of dags/ without the pre-import ...", flush=True)
    results["all dags/ (cold)"] = measure(DAGS, args.repeat, mode="cold")

    base = baseline["median_s"]
    print()
    print(f"| {'what':<22} | {'DAGs':>4} | {'errors':>6} | {'median s':>8} | {'x baseline':>10} |")
    print(f"|{'-' * 24}|{'-' * 6}|{'-' * 8}|{'-' * 10}|{'-' * 12}|")
    for name, r in results.items():
        print(f"| {name:<22} | {r['dags']:>4} | {r['errors']:>6} | {r['median_s']:>8.3f} | "
              f"{r['median_s'] / base:>10.1f} |")
    total = results["all dags/"]
    per_dag_ms = 1000 * (total["median_s"] - base) / max(total["dags"] - 1, 1)
    print(f"\nall 78 DAGs: {total['median_s']:.3f} s (target < 1 s: {'met' if total['median_s'] < 1 else 'MISSED'}); "
          f"marginal cost per extra DAG ~{per_dag_ms:.1f} ms")
    print("slowest files in the full parse:")
    for file, seconds in total["slowest"]:
        print(f"  {seconds * 1000:7.1f} ms  {Path(file).relative_to(REPO) if file.startswith(str(REPO)) else file}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"results": results, "per_dag_ms": per_dag_ms}, indent=2, default=str))
    print(f"\nJSON: {RESULTS.relative_to(REPO)}")
    return 0 if total["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
