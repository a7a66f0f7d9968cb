"""clickhouse-connect, unchanged, against the server: every API path with every
compression, and the types the marts use round-tripping exactly."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from decimal import Decimal

import pandas as pd
import pytest

COMPRESSIONS = [False, "lz4", "zstd", True]

TYPES_DDL = """
CREATE TABLE {db}.typed (
    id Int64, lc LowCardinality(String), ranks Map(String, UInt64), maybe Nullable(Int32),
    tags Array(String), at DateTime, day Date, big UInt64, ratio Float64, money Decimal(18, 4)
) ENGINE = MergeTree ORDER BY id
"""

ROWS = [
    (-(2**63), "core", {"followers": 2**64 - 1, "views": 0}, None, ["a", "b, c", ""],
     dt.datetime(2024, 1, 2, 3, 4, 5), dt.date(2024, 5, 6), 2**64 - 1, 1.5, Decimal("12.3456")),
    (0, "", {}, 0, [], dt.datetime(1970, 1, 1, 0, 0, 1), dt.date(1970, 1, 1), 0, -0.25, Decimal("-1.0001")),
    (2**63 - 1, "ünïcode ✓", {"k": 1}, -(2**31), ["x\ty\nz"], dt.datetime(2105, 12, 31, 23, 59, 59),
     dt.date(2149, 6, 6), 1, 1e308, Decimal("99999999999999.9999")),
]


@pytest.mark.parametrize("compress", COMPRESSIONS, ids=lambda c: f"compress={c}")
def test_query_command_insert_roundtrip(client_factory, db, compress):
    client = client_factory(compress=compress)
    client.command(TYPES_DDL.format(db=db))
    summary = client.insert(f"{db}.typed", [list(r) for r in ROWS])
    assert summary.written_rows == 3
    got = client.query(f"SELECT * FROM {db}.typed ORDER BY id").result_rows
    assert got == sorted(ROWS, key=lambda r: r[0])
    assert client.command(f"SELECT count() FROM {db}.typed") == 3
    assert client.command(f"SELECT toTypeName(lc) FROM {db}.typed LIMIT 1") == "LowCardinality(String)"


@pytest.mark.parametrize("compress", COMPRESSIONS, ids=lambda c: f"compress={c}")
def test_dataframes_both_ways(client_factory, db, compress):
    client = client_factory(compress=compress)
    client.command(f"CREATE TABLE {db}.frame (id UInt32, name String, score Float64) ENGINE = Memory")
    df = pd.DataFrame({"id": range(5000), "name": [f"n{i}" for i in range(5000)],
                       "score": [i / 7 for i in range(5000)]})
    df["id"] = df["id"].astype("uint32")
    client.insert_df(f"{db}.frame", df)
    back = client.query_df(f"SELECT * FROM {db}.frame ORDER BY id")
    pd.testing.assert_frame_equal(back, df, check_dtype=False)


@pytest.mark.parametrize("compress", COMPRESSIONS, ids=lambda c: f"compress={c}")
def test_server_side_parameters(client_factory, compress):
    client = client_factory(compress=compress)
    result = client.query("SELECT {x:Int64} * 2 AS doubled, {s:String} AS s", parameters={"x": 21, "s": "it's"})
    assert result.result_rows == [(42, "it's")]
    assert client.query("SELECT {big:UInt64}", parameters={"big": 2**64 - 1}).result_rows == [(2**64 - 1,)]


def test_large_result_and_insert_stream(client_factory, db):
    client = client_factory(compress="lz4")
    client.command(f"CREATE TABLE {db}.big (n UInt64, s String) ENGINE = MergeTree ORDER BY n")
    rows = [(i, f"row-{i}") for i in range(200_000)]
    client.insert(f"{db}.big", rows, column_names=["n", "s"])
    assert client.command(f"SELECT count(), sum(n) FROM {db}.big") == ["200000", str(sum(range(200_000)))]
    result = client.query(f"SELECT n, s FROM {db}.big ORDER BY n")
    assert result.row_count == 200_000
    assert result.result_rows[-1] == (199_999, "row-199999")


def test_summary_and_server_info(client_factory, db):
    client = client_factory()
    assert client.server_version.count(".") >= 2
    assert client.server_tz is not None
    client.command(f"CREATE TABLE {db}.s (n UInt64) ENGINE = Memory")
    summary = client.command(f"INSERT INTO {db}.s SELECT number FROM numbers(1234)")
    assert summary.written_rows == 1234
    assert summary.query_id()


@pytest.mark.parametrize("compress", ["lz4", "zstd"])
def test_client_compression_is_really_used_both_ways(ch, client_factory, db, compress):
    client = client_factory(compress=compress)
    client.command(f"CREATE TABLE {db}.c (n UInt64) ENGINE = Memory")
    qid_in, qid_out = f"in-{uuid.uuid4()}", f"out-{uuid.uuid4()}"
    client.insert(f"{db}.c", [[i] for i in range(10000)], settings={"query_id": qid_in})
    assert client.query(f"SELECT n FROM {db}.c ORDER BY n", settings={"query_id": qid_out}).row_count == 10000
    lines = {}
    deadline = time.monotonic() + 10  # the request log line is written just after the response
    while len(lines) < 2 and time.monotonic() < deadline:
        lines = {qid: line for line in ch.log_text().splitlines() for qid in (qid_in, qid_out)
                 if f"query_id={qid} " in line}
        time.sleep(0.05)
    assert lines[qid_in].endswith(f"enc={compress}/-"), lines[qid_in]
    assert lines[qid_out].endswith(f"enc=-/{compress}"), lines[qid_out]
