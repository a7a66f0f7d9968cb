"""How much the HTTP server costs over using chDB in-process, on identical data.

1M-row insert and 1M-row read through the server (clickhouse-connect over HTTP, with
and without lz4) against the same client API on an in-process engine
(clickhouse-connect's chdb backend) and raw chdb, as ratios measured in one run; plus
the server's RSS idle and after a 1M-row GROUP BY.

`--part stream`: peak server RSS (VmHWM over idle) while a client reads a 10M-row SELECT,
buffered (wait_end_of_query=1) vs streamed, each on a fresh server. `--part auth`:
`SELECT 1` requests/s on one keep-alive connection, without and with a password.

    python bench/bench_chserver.py [--rows 1000000] [--repeat 3] [--part all|client|stream|auth]

Prints a table and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import chdb
import clickhouse_connect
import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stir.chserver.testing import running_server  # noqa: E402

DDL = """CREATE TABLE bench_t (
    id UInt64, name String, category LowCardinality(String), score Float64, at DateTime
) ENGINE = MergeTree ORDER BY id"""
COLUMNS = ["id", "name", "category", "score", "at"]
READ_SQL = "SELECT id, name, category, score, at FROM bench_t"
GROUP_SQL = ("SELECT category, id % 200000 AS k, count(), sum(score), max(name) FROM bench_t "
             "GROUP BY category, k ORDER BY k LIMIT 10")


def make_columns(rows: int) -> list[list]:
    base = datetime(2024, 1, 1)
    cats = [f"cat_{i}" for i in range(40)]
    return [list(range(rows)), [f"name-{i}" for i in range(rows)], [cats[i % 40] for i in range(rows)],
            [i * 0.001 for i in range(rows)], [base + timedelta(seconds=i) for i in range(rows)]]


def best_of(repeat: int, fn, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def small_query_ms(client, n: int = 300) -> float:
    """Per-request latency of a trivial query: the fixed cost every dbt/Airflow call pays."""
    for _ in range(20):
        client.command("SELECT 1")
    t0 = time.perf_counter()
    for _ in range(n):
        client.command("SELECT 1")
    return (time.perf_counter() - t0) / n * 1000


def measure_client(client, columns, rows: int, repeat: int) -> dict[str, float]:
    client.command("DROP TABLE IF EXISTS bench_t")
    client.command(DDL)

    def reset():
        client.command("TRUNCATE TABLE bench_t")

    insert = best_of(repeat, lambda: client.insert("bench_t", columns, column_names=COLUMNS, column_oriented=True),
                     before=reset)
    got = client.query("SELECT count() FROM bench_t").result_rows[0][0]
    assert got == rows, got
    read = best_of(repeat, lambda: client.query(READ_SQL).result_columns)
    return {"insert_s": insert, "read_s": read, "select1_ms": small_query_ms(client)}


def measure_raw_chdb(path: Path, client_cols, rows: int, repeat: int, native: bytes) -> dict[str, float]:
    conn = chdb.connect(f"file:{path}")
    conn.query("DROP TABLE IF EXISTS bench_t")
    conn.query(DDL)

    def insert():
        ins = conn.send_insert("INSERT INTO bench_t (id, name, category, score, at)", "Native")
        ins.append(native)
        ins.finish()

    t_insert = best_of(repeat, insert, before=lambda: conn.query("TRUNCATE TABLE bench_t"))
    t_read = best_of(repeat, lambda: conn.query(READ_SQL, "Native").bytes())
    t0 = time.perf_counter()
    for _ in range(300):
        conn.query("SELECT 1", "TabSeparated")
    select1 = (time.perf_counter() - t0) / 300 * 1000
    conn.close()
    return {"insert_s": t_insert, "read_s": t_read, "select1_ms": select1}


STREAM_SQL = "SELECT number, toString(number) AS s, number * 0.5 AS f FROM numbers({rows})"


def _hwm(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def stream_rss(rows: int) -> dict[str, dict[str, float]]:
    """Peak server RSS while one client reads the whole result, reading as it arrives."""
    import http.client

    out = {}
    for label, params in (("buffered (wait_end_of_query=1)", "?wait_end_of_query=1"), ("streamed", "")):
        with running_server(log_level="WARNING") as ch:
            idle = psutil.Process(ch.pid).memory_info().rss
            conn = http.client.HTTPConnection(ch.host, ch.port, timeout=3600)
            t0 = time.perf_counter()
            conn.request("POST", "/" + params, body=STREAM_SQL.format(rows=rows).encode())
            resp = conn.getresponse()
            first, received = None, 0
            while chunk := resp.read(1 << 20):
                first = first or time.perf_counter() - t0
                received += len(chunk)
            total = time.perf_counter() - t0
            conn.close()
            peak = _hwm(ch.pid)
        out[label] = {"idle_rss_mib": idle / 2**20, "peak_rss_mib": peak / 2**20,
                      "peak_over_idle_mib": (peak - idle) / 2**20, "bytes": received,
                      "first_byte_s": first or total, "total_s": total}
        print(f"{label:<32} peak RSS +{(peak - idle) / 2**20:7.0f} MiB over idle; first byte {first:.2f} s, "
              f"all {received / 2**20:.0f} MiB in {total:.2f} s", flush=True)
    return out


def auth_rps(seconds: float = 5.0) -> dict[str, float]:
    """SELECT 1 over one keep-alive connection, as clients pool them."""
    import base64
    import hashlib
    import http.client

    out = {}
    users = Path(tempfile.mkdtemp(prefix="bench-users-")) / "users.toml"
    users.write_text(f'[users.bench]\npassword_sha256_hex = "{hashlib.sha256(b"bench-pw").hexdigest()}"\n')
    for label, extra, headers in (
            ("no password (user default)", (), {}),
            ("password (basic auth, sha256)", ("--users-file", str(users)),
             {"Authorization": "Basic " + base64.b64encode(b"bench:bench-pw").decode()})):
        with running_server(log_level="WARNING", extra_args=extra) as ch:
            conn = http.client.HTTPConnection(ch.host, ch.port, timeout=60)
            for _ in range(50):
                conn.request("POST", "/", body=b"SELECT 1", headers=headers)
                assert conn.getresponse().read() == b"1\n"
            n, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < seconds:
                conn.request("POST", "/", body=b"SELECT 1", headers=headers)
                conn.getresponse().read()
                n += 1
            out[label] = n / (time.perf_counter() - t0)
            conn.close()
        print(f"{label:<32} {out[label]:8.0f} SELECT 1 requests/s", flush=True)
    shutil.rmtree(users.parent, ignore_errors=True)
    return out


def _write(name: str, data: dict) -> None:
    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = out_dir / f"{name}-{stamp}.json"
    out.write_text(json.dumps({"when": stamp, "python": platform.python_version(), "chdb": chdb.__version__,
                               **data}, indent=2))
    print(f"wrote {out.relative_to(REPO)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stream-rows", type=int, default=10_000_000)
    parser.add_argument("--part", choices=("all", "client", "stream", "auth"), default="all")
    args = parser.parse_args()
    if args.part in ("all", "stream"):
        _write("chserver-stream", {"rows": args.stream_rows, "results": stream_rss(args.stream_rows)})
    if args.part in ("all", "auth"):
        _write("chserver-auth", {"results": auth_rps()})
    if args.part not in ("all", "client"):
        return 0

    print(f"generating {args.rows:,} rows ...", flush=True)
    columns = make_columns(args.rows)
    results: dict[str, dict] = {}
    work = Path(tempfile.mkdtemp(prefix="bench-chserver-"))
    try:
        with running_server(data_dir=work / "server", log_level="WARNING") as ch:
            proc = psutil.Process(ch.pid)
            rss_idle = proc.memory_info().rss
            for label, compress in (("server (HTTP, no compression)", False), ("server (HTTP, lz4)", "lz4")):
                print(f"measuring {label} ...", flush=True)
                client = clickhouse_connect.get_client(host=ch.host, port=ch.port, compress=compress)
                results[label] = measure_client(client, columns, args.rows, args.repeat)
                client.close()
            client = clickhouse_connect.get_client(host=ch.host, port=ch.port)
            native = client.raw_query(READ_SQL, fmt="Native")
            t0 = time.perf_counter()
            client.query(GROUP_SQL)
            group_s = time.perf_counter() - t0
            rss_after_group = proc.memory_info().rss
            client.close()

        print("measuring in-process engine ...", flush=True)
        inproc = clickhouse_connect.get_client(interface="chdb", path=str(work / "inproc"))
        results["in-process (clickhouse-connect chdb backend)"] = measure_client(inproc, columns, args.rows,
                                                                               args.repeat)
        inproc.close()
        print("measuring raw chdb (Native bytes, no client decoding) ...", flush=True)
        results["raw chdb (Native bytes)"] = measure_raw_chdb(work / "inproc", columns, args.rows, args.repeat,
                                                              native)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    baseline = results["in-process (clickhouse-connect chdb backend)"]
    print(f"\n{args.rows:,} rows, best of {args.repeat}; ratio = time / in-process clickhouse-connect time\n")
    header = (f"{'path':<48} {'insert s':>9} {'ratio':>6} {'read s':>9} {'ratio':>6} "
              f"{'SELECT 1 ms':>11} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    for label, r in results.items():
        r["insert_ratio"] = r["insert_s"] / baseline["insert_s"]
        r["read_ratio"] = r["read_s"] / baseline["read_s"]
        r["select1_ratio"] = r["select1_ms"] / baseline["select1_ms"]
        print(f"{label:<48} {r['insert_s']:>9.3f} {r['insert_ratio']:>6.2f} {r['read_s']:>9.3f} "
              f"{r['read_ratio']:>6.2f} {r['select1_ms']:>11.2f} {r['select1_ratio']:>6.2f}")
    mib = 1024 * 1024
    print(f"\nserver RSS idle: {rss_idle / mib:.0f} MiB; after 1M-row GROUP BY ({group_s:.2f} s): "
          f"{rss_after_group / mib:.0f} MiB")

    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = out_dir / f"chserver-{stamp}.json"
    out.write_text(json.dumps({
        "rows": args.rows, "repeat": args.repeat, "when": stamp, "python": platform.python_version(),
        "chdb": chdb.__version__, "clickhouse_connect": clickhouse_connect.__version__,
        "results": results, "server_rss_idle_bytes": rss_idle,
        "server_rss_after_group_by_bytes": rss_after_group, "group_by_s": group_s,
    }, indent=2))
    print(f"wrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
