"""Run cost on Airflow's real execution path: what a scheduled run pays beyond its SQL.

On a fresh embedded stack (own STIR_HOME, free ports, --creators sources), `stir stack airflow
start` runs `airflow standalone` (scheduler + LocalExecutor + DAG processor + API server) with
the job scheduler off, and every run is triggered through the REST API:

    dbt_recent_scl, dbt_core   alternately with the dbt parse cache emptied ("cold", what every
                               run paid before the cache) and kept ("warm")
    a sync DAG                 export -> download -> load -> vacuum (sync_insta_account_core)

Before Airflow starts, the in-process path a developer uses: `airflow tasks test dbt_recent_scl
dbt_run_recent_scl` (CLI start-up included) once to warm up, then --tasks-test-runs times:
wall, dbt's own run time, overhead = wall - dbt run, and the CPU seconds (user + sys) of the
whole command's process tree, the figure that does not depend on what else loads the machine.

Per task, from the task instance record and its log: wall (TI duration), work (dbt's own
"Finished running ... (N s)"; for other tasks the execute() span between Airflow's Pre/Post
Execute markers), overhead = wall - work, the ratio overhead / work and the task process's
peak RSS (psutil samples). Then the share of the machine the original's full day of schedules
would need: runs/day from the schedules in docs/dags.md x task wall seconds per run /
(86,400 x cores), cold vs warm (a running task is counted as one busy core: an estimate).
Usage:  python bench/bench_overhead.py [--creators 5000] [--runs 2] [--tasks-test-runs 3]
Results: a table on stdout, JSON in bench/results/overhead-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stir.chserver.testing import free_ports  # noqa: E402
from stir.stack.airflow_api import AirflowApi  # noqa: E402
from stir.stack.envvars import parse_shell as parse_exports  # noqa: E402

TIERS = ("dbt_recent_scl", "dbt_core")
SYNC_DAG = "sync_insta_account_core"
FINISHED = re.compile(r"Finished running .* \((\d+(?:\.\d+)?)s\)")
STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)Z?")




def stir(env: dict, *args: str, timeout: float = 900) -> None:
    proc = subprocess.run([sys.executable, "-m", "stir", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"stir {' '.join(args)} exited {proc.returncode}:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")


def stack_env(home: Path) -> dict[str, str]:
    ch, s3, ssh, sidecar, api = free_ports(5)
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("STIR_", "AIRFLOW_", "DBT_"))}
    return {**inherited, "STIR_HOME": str(home), "STIR_CH_PORT": str(ch), "STIR_S3_PORT": str(s3),
            "STIR_SSH_PORT": str(ssh), "STIR_SIDECAR_PORT": str(sidecar), "STIR_AIRFLOW_PORT": str(api),
            "STIR_PG_DATABASE": os.environ.get("STIR_BENCH_PG_DATABASE", "beat_bench_overhead"),
            "STIR_AIRFLOW_DB": os.environ.get("STIR_BENCH_AIRFLOW_DB", "airflow_bench_overhead"),
            "DBT_TARGET_PATH": str(home / "dbt-target"), "DBT_LOG_PATH": str(home / "dbt-logs"),
            # Only API-triggered runs: the bench decides what runs when.
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False"}




class RssSampler:
    """Peak RSS per PID of every process in the Airflow group and below, sampled every 0.2 s."""

    def __init__(self, leader: int):
        self.leader, self.peak, self._stop = leader, {}, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            try:
                procs = psutil.Process(self.leader).children(recursive=True)
            except psutil.NoSuchProcess:
                return
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
                self.peak[proc.pid] = max(self.peak.get(proc.pid, 0), rss)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)


def _ts(line: str) -> float | None:
    m = STAMP.match(line.strip())
    return dt.datetime.fromisoformat(m.group(1)).timestamp() if m else None


def execute_span(log: str) -> float | None:
    """Seconds between the end of Airflow's Pre Execute group and the start of Post Execute."""
    lines = log.splitlines()
    start = end = None
    in_pre = False
    for line in lines:
        if "::group::Pre Execute" in line:
            in_pre = True
        elif in_pre and "::endgroup::" in line:
            start, in_pre = _ts(line), False
        elif "::group::Post Execute" in line:
            end = _ts(line)
    if start is None:
        return None
    if end is None:  # a task without a Post Execute group: its last stamped line
        end = max((t for t in map(_ts, lines) if t), default=None)
    return end - start if end else None


def run_dag(api: AirflowApi, dag_id: str, sampler: RssSampler, label: str) -> list[dict]:
    run_id = api.trigger(dag_id)
    run = api.wait(dag_id, run_id, timeout=1800)
    rows = []
    for ti in api.task_instances(dag_id, run_id):
        if ti["state"] == "skipped":
            continue
        log = api.task_log(dag_id, run_id, ti["task_id"], ti["try_number"], ti.get("map_index", -1))
        if ti["state"] != "success":
            raise RuntimeError(f"{dag_id} {ti['task_id']} {ti['state']}:\n{log[-3000:]}")
        finished = FINISHED.findall(log)
        work = float(finished[-1]) if finished else execute_span(log)
        wall = float(ti["duration"])
        rows.append({"dag": dag_id, "task": ti["task_id"], "mode": label, "wall_s": round(wall, 2),
                     "work_s": round(work or 0.0, 2), "work_kind": "dbt run" if finished else "execute()",
                     "overhead_s": round(wall - (work or 0.0), 2),
                     "peak_rss_mb": round(sampler.peak.get(ti.get("pid") or -1, 0) / 2**20),
                     "parse_cache": _cache_line(log)})
    rows.sort(key=lambda r: r["task"])
    print(f"  {dag_id} [{label}] run {run['state']}: " + ", ".join(
        f"{r['task']} {r['wall_s']:.1f} s (work {r['work_s']:.1f})" for r in rows), flush=True)
    return rows


def tasks_test(env: dict, runs: int, dag_id: str = TIERS[0]) -> list[dict]:
    """`airflow tasks test <tier> <its dbt task>` in-process, after one warm-up run."""
    task_id = f"dbt_run_{dag_id.removeprefix('dbt_')}"
    cmd = [str(Path(sys.executable).with_name("airflow")), "tasks", "test", dag_id, task_id]
    rows = []
    for i in range(runs + 1):
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        proc = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=900)
        wall = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = proc.stdout + proc.stderr
        finished = FINISHED.findall(out)
        if proc.returncode != 0 or not finished:
            raise RuntimeError(f"airflow tasks test {dag_id} {task_id} exited {proc.returncode}:\n{out[-3000:]}")
        if i == 0:
            continue  # the warm-up: bytecode, parse cache and DAG rows in place
        work = float(finished[-1])
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rows.append({"dag": dag_id, "task": task_id, "mode": "tasks test", "wall_s": round(wall, 2),
                     "work_s": round(work, 2), "overhead_s": round(wall - work, 2), "cpu_s": round(cpu, 2),
                     "load_avg_1m": round(load, 2), "parse_cache": _cache_line(out)})
        print(f"  airflow tasks test {dag_id} {task_id}: wall {wall:.1f} s, dbt run {work:.1f} s, "
              f"overhead {wall - work:.1f} s, CPU {cpu:.1f} s (load {load:.1f})", flush=True)
    return rows


def _cache_line(log: str) -> str:
    lines = [ln.split("dbt parse cache: ", 1)[1] for ln in log.splitlines() if "dbt parse cache: " in ln]
    return lines[-1][:90] if lines else ""


def runs_per_day() -> dict[str, tuple[str, int, int]]:
    """dag_id -> (category, runs a day, tasks a run) from the schedules table of docs/dags.md."""
    from croniter import croniter

    day = dt.datetime(2026, 1, 5)
    out = {}
    for line in (REPO / "docs" / "dags.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 6 or not cells[2].startswith("`"):
            continue
        dag_id, category, schedule, pairs = cells[0], cells[1], cells[2].strip("`"), cells[5]
        it, n = croniter(schedule, day - dt.timedelta(microseconds=1)), 0
        while it.get_next(dt.datetime) < day + dt.timedelta(days=1):
            n += 1
        tasks = 4 * max(1, pairs.count("->")) if "sync" in category else 1
        out[dag_id] = (category, n, tasks)
    return out


def day_share(rows: list[dict], mode: str, cores: int) -> dict:
    """Task wall seconds a day at the original's schedules over the machine's core-seconds."""
    dbt = {r["dag"]: r["wall_s"] for r in rows if r["mode"] == mode and r["dag"] in TIERS}
    dbt_mean = statistics.mean(dbt.values())
    sync_task = statistics.mean(r["wall_s"] for r in rows if r["dag"] == SYNC_DAG)
    total, runs, dbt_runs = 0.0, 0, 0
    for dag_id, (category, n, tasks) in runs_per_day().items():
        runs += n
        if category == "dbt orchestration":
            total += n * dbt.get(dag_id, dbt_mean)
            dbt_runs += n
        else:
            total += n * tasks * sync_task
    return {"dag_runs_per_day": runs, "dbt_runs_per_day": dbt_runs, "task_seconds_per_day": round(total),
            "machine_share_pct": round(100 * total / (86400 * cores), 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--creators", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=2, help="cold/warm pairs per dbt tier")
    ap.add_argument("--tasks-test-runs", type=int, default=3,
                    help="timed `airflow tasks test` runs of dbt_recent_scl (after one warm-up)")
    args = ap.parse_args()
    cores = os.cpu_count() or 2
    home = Path(tempfile.mkdtemp(prefix="stir-bench-overhead-"))
    home.chmod(0o755)
    env = stack_env(home)
    t0 = time.monotonic()
    rows: list[dict] = []
    tasks_test_rows: list[dict] = []
    ok = False
    try:
        print(f"stack in {home} (creators {args.creators}, {cores} cores, load {os.getloadavg()[0]:.1f})", flush=True)
        stir(env, "stack", "up")
        env.update(parse_exports((home / "stack.env").read_text()))
        stir(env, "generate", "--creators", str(args.creators), "--seed", "7")
        dbt = [str(Path(sys.executable).with_name("dbt")), "run", "--project-dir", str(REPO / "gcc_social"),
               "--profiles-dir", str(REPO / "gcc_social"), "-s", "+tag:recent_scl", "+tag:core",
               "--exclude", "tag:deprecated", "tag:post_ranker"]
        subprocess.run(dbt, env=env, cwd=REPO, check=True, capture_output=True, timeout=1800)
        print(f"setup (stack, sources, upstream models) {time.monotonic() - t0:.0f} s", flush=True)
        tasks_test_rows = tasks_test(env, args.tasks_test_runs) if args.tasks_test_runs > 0 else []
        t1 = time.monotonic()
        stir(env, "stack", "airflow", "start", timeout=900)
        print(f"airflow standalone healthy in {time.monotonic() - t1:.0f} s", flush=True)
        leader = json.loads((home / "run" / "airflow.json").read_text())["pid"]
        api = AirflowApi(env["AIRFLOW__API__BASE_URL"])
        for dag_id in (*TIERS, SYNC_DAG):
            api.wait_for_dag(dag_id)
            api.set_paused(dag_id, False)
        cache = home / "dbt-parse-cache"
        with RssSampler(leader) as sampler:
            for dag_id in TIERS:
                for _ in range(args.runs):
                    shutil.rmtree(cache, ignore_errors=True)
                    rows += run_dag(api, dag_id, sampler, "cold")
                    rows += run_dag(api, dag_id, sampler, "warm")
            rows += run_dag(api, SYNC_DAG, sampler, "sync")
        ok = True
    finally:
        subprocess.run([sys.executable, "-m", "stir", "stack", "down"], env=env, cwd=REPO, capture_output=True,
                       timeout=300)
        if ok:
            shutil.rmtree(home, ignore_errors=True)
        else:
            print(f"kept {home} for its logs (logs/airflow.log, airflow/logs/)", file=sys.stderr)
    return report(rows, tasks_test_rows, cores, args, time.monotonic() - t0)


def report(rows: list[dict], tasks_test_rows: list[dict], cores: int, args, seconds: float) -> int:
    def med(dag, mode, key):
        return statistics.median(r[key] for r in rows if r["dag"] == dag and r["mode"] == mode)

    print(f"\n{'dag / task':44} {'mode':5} {'wall s':>7} {'work s':>7} {'ovh s':>7} {'ovh/work':>8} {'RSS MB':>7}")
    for r in rows:
        ratio = r["overhead_s"] / r["work_s"] if r["work_s"] else float("inf")
        print(f"{r['dag'] + ' / ' + r['task']:44} {r['mode']:5} {r['wall_s']:7.1f} {r['work_s']:7.1f} "
              f"{r['overhead_s']:7.1f} {ratio:8.1f} {r['peak_rss_mb']:7d}")
    summary = {}
    for dag in TIERS:
        cold, warm = med(dag, "cold", "overhead_s"), med(dag, "warm", "overhead_s")
        summary[dag] = {"overhead_cold_s": cold, "overhead_warm_s": warm, "cold_over_warm": round(cold / warm, 1),
                        "work_warm_s": med(dag, "warm", "work_s")}
        print(f"{dag}: median overhead cold {cold:.1f} s -> warm {warm:.1f} s ({cold / warm:.1f}x less); "
              f"work {summary[dag]['work_warm_s']:.1f} s")
    sync = [r for r in rows if r["dag"] == SYNC_DAG]
    print(f"{SYNC_DAG}: max task overhead {max(r['overhead_s'] for r in sync):.1f} s")
    shares = {mode: day_share(rows, mode, cores) for mode in ("cold", "warm")}
    for mode, share in shares.items():
        print(f"day at the original's schedules, dbt cache {mode}: {share['dag_runs_per_day']} runs "
              f"({share['dbt_runs_per_day']} dbt), {share['task_seconds_per_day']:,} task-s "
              f"= {share['machine_share_pct']} % of {cores} cores")
    tasks_test_summary = {}
    if tasks_test_rows:
        tasks_test_summary = {key: statistics.median(r[key] for r in tasks_test_rows)
                              for key in ("wall_s", "work_s", "overhead_s", "cpu_s", "load_avg_1m")}
        print(f"airflow tasks test {tasks_test_rows[0]['dag']} (in-process, CLI start-up included, after a "
              f"warm-up), median of {len(tasks_test_rows)}: wall {tasks_test_summary['wall_s']:.1f} s, dbt run "
              f"{tasks_test_summary['work_s']:.1f} s, overhead {tasks_test_summary['overhead_s']:.1f} s, "
              f"CPU {tasks_test_summary['cpu_s']:.1f} s (load {tasks_test_summary['load_avg_1m']:.1f})")
    out = REPO / "bench" / "results" / f"overhead-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"creators": args.creators, "cores": cores, "load_avg_end": os.getloadavg(),
                               "bench_seconds": round(seconds), "rows": rows, "summary": summary,
                               "tasks_test": {"rows": tasks_test_rows, "median": tasks_test_summary},
                               "day_share": shares}, indent=2))
    print(f"\nwritten {out.relative_to(REPO)} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
