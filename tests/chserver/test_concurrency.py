"""Six sessions at once doing what the dbt tiers do (DDL, inserts, FINAL reads,
EXCHANGE TABLES) for a bounded time: no errors, and every row accounted for.
CHSERVER_STRESS_SECONDS sets the duration (default 20)."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

import clickhouse_connect

WORKERS = 6
DURATION = float(os.environ.get("CHSERVER_STRESS_SECONDS", "20"))


def _worker(ch, db: str, wid: int, deadline: float, stats: dict, errors: list) -> None:
    client = clickhouse_connect.get_client(host=ch.host, port=ch.port, database=db,
                                           compress=("lz4", "zstd", False)[wid % 3])
    live, stage = f"live_{wid}", f"stage_{wid}"
    rounds = shared_rows = 0
    try:
        client.command(f"CREATE TABLE {live} (k UInt64, v UInt64, ver UInt64) "
                       "ENGINE = ReplacingMergeTree(ver) ORDER BY k")
        while rounds < 2 or time.monotonic() < deadline:  # at least two rounds, however slow the machine
            rounds += 1
            keys = 500 + 37 * rounds % 400
            client.command(f"DROP TABLE IF EXISTS {stage} SYNC")  # no 8-minute Atomic drop delay on disk
            client.command(f"CREATE TABLE {stage} AS {live}")
            client.insert(stage, [(k, k * rounds, 1) for k in range(keys)], column_names=["k", "v", "ver"])
            # a second version of half the keys: FINAL must keep exactly one row per key
            client.command(f"INSERT INTO {stage} SELECT number, number * {rounds} + 1, 2 FROM numbers({keys // 2})")
            final = client.query(f"SELECT count(), sum(v) FROM {stage} FINAL").result_rows[0]
            expected_sum = sum(k * rounds for k in range(keys)) + keys // 2
            if final != (keys, expected_sum):
                errors.append(f"worker {wid} round {rounds}: FINAL gave {final}, expected {(keys, expected_sum)}")
            client.command(f"EXCHANGE TABLES {stage} AND {live}")
            if client.command(f"SELECT count() FROM {live} FINAL") != keys:
                errors.append(f"worker {wid} round {rounds}: live table has the wrong row count after EXCHANGE")
            batch = 100 + wid
            client.insert("shared", [(wid, rounds, i) for i in range(batch)], column_names=["wid", "round", "i"])
            shared_rows += batch
    except Exception as exc:  # every failure is a test failure, reported with its worker
        errors.append(f"worker {wid}: {type(exc).__name__}: {exc}")
    finally:
        stats[wid] = (rounds, shared_rows)
        client.close()


def test_six_sessions_ddl_inserts_final_exchange(ch, db):
    admin = clickhouse_connect.get_client(host=ch.host, port=ch.port, database=db)
    admin.command("CREATE TABLE shared (wid UInt8, round UInt32, i UInt32) ENGINE = MergeTree ORDER BY (wid, round)")
    deadline = time.monotonic() + DURATION
    stats: dict[int, tuple[int, int]] = {}
    errors: list[str] = []
    threads = [threading.Thread(target=_worker, args=(ch, db, w, deadline, stats, errors)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(DURATION + 120)
    assert not errors, "\n".join(errors[:20])
    counts = Counter(dict(admin.query("SELECT wid, count() FROM shared GROUP BY wid").result_rows))
    assert counts == Counter({w: stats[w][1] for w in range(WORKERS)})
    print("\nstress rounds per worker:", {w: stats[w][0] for w in range(WORKERS)})
    admin.close()
