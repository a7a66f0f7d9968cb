"""FINAL vs explicit dedup on the hot ReplacingMergeTree relations, with merges stopped.

On a fresh server with --creators of generated data: a full `dbt run`, merges stopped on
every table, the newest source rows sent again and a second `dbt run` (so the incremental
models hold re-appended versions in unmerged parts, the state readers must cope with).
Then, alternately and --repeat times, each relation read whole (every column, one row per
key, FORMAT Null) with FINAL and with the explicit dedup a reader would otherwise write
(LIMIT 1 BY key over the newest version first). Both reads are checked to return the same
rows first. Reports medians and the FINAL / explicit ratio (< 1: FINAL is faster).

    python bench/bench_dedup.py [--creators 2000] [--seed 1] [--repeat 5]

Writes JSON to bench/results/dedup-<utc stamp>.json with the load averages.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stir.chserver.testing import running_server  # noqa: E402
from stir.generate.generator import generate  # noqa: E402
from stir.generate.testing import make_client, make_dbt_runner  # noqa: E402
from stir.generate.world import World  # noqa: E402

# relation -> (key columns, newest-version order for the explicit dedup)
HOT = {
    "stg_beat_instagram_post": ("shortcode, updated_at", "updated_at DESC"),
    "mart_instagram_post": ("shortcode", "last_scraped_at DESC"),
    "mart_insta_account_weekly": ("profile_id, week", "last_updated DESC"),
    "stg_beat_instagram_account_time_series": ("profile_id, date", "created_at DESC"),
}


def reads(name: str) -> dict[str, str]:
    key, newest = HOT[name]
    return {
        "final": f"SELECT * FROM dbt.{name} FINAL",
        "explicit": f"SELECT * FROM dbt.{name} ORDER BY {key}, {newest} LIMIT 1 BY {key}",
    }


def timed(ch, sql: str) -> float:
    started = time.perf_counter()
    ch.command(f"{sql} FORMAT Null")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--creators", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    load_start = os.getloadavg()
    anchor = datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)
    with running_server() as server, tempfile.TemporaryDirectory() as work:
        ch = make_client(server, send_receive_timeout=3600)
        dbt = make_dbt_runner(server, Path(work))
        for _ in generate(ch, World(seed=args.seed, anchor=anchor, creators=args.creators)):
            pass
        dbt("run", "--threads", "2", timeout=3600)
        tables = [f"{d}.{n}" for d, n in ch.query(
            "SELECT database, name FROM system.tables WHERE database IN ('dbt', 'beat') "
            "AND engine LIKE '%MergeTree%'").result_rows]
        for table in tables:
            ch.command(f"SYSTEM STOP MERGES {table}")
        for source, ts in (("beat.instagram_post", "updated_at"), ("beat.instagram_account_time_series", "created_at")):
            ch.command(f"INSERT INTO {source} SELECT * FROM {source} ORDER BY {ts} DESC LIMIT 20000")
        dbt("run", "--threads", "2", timeout=3600)
        results = {}
        for name in HOT:
            sqls = reads(name)
            raw, final, explicit = (ch.query(f"SELECT count(), sum(cityHash64(*)) FROM ({sql})").result_rows[0]
                                    for sql in (f"SELECT * FROM dbt.{name}", sqls["final"], sqls["explicit"]))
            assert final == explicit, (name, final, explicit)
            times = {"final": [], "explicit": []}
            for _ in range(args.repeat):
                for how in ("final", "explicit"):
                    times[how].append(timed(ch, sqls[how]))
            med = {how: statistics.median(v) for how, v in times.items()}
            results[name] = {"rows": final[0], "raw_rows": raw[0], "final_s": med["final"],
                             "explicit_s": med["explicit"], "ratio": med["final"] / med["explicit"]}
            print(f"{name:42} rows {final[0]:>9,} (raw {raw[0]:>9,})  FINAL {med['final']:.3f} s  "
                  f"explicit {med['explicit']:.3f} s  ratio {results[name]['ratio']:.2f}", flush=True)
        ch.close()
    out = {"creators": args.creators, "repeat": args.repeat, "load_start": load_start, "load_end": os.getloadavg(),
           "cores": os.cpu_count(), "results": results}
    print(f"load average start {load_start[0]:.2f}, end {out['load_end'][0]:.2f}")
    path = ROOT / "bench" / "results" / f"dedup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
